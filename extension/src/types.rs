//! TypeScript declarations of the objects crossing the bridge, emitted into
//! the `.d.ts` wasm-bindgen writes, so the page's JavaScript is type-checked
//! against them (`tsc --noEmit` in `make test`). They mirror the serde model
//! in `iprev-core` (`report.rs` and the types it uses) and the README schema.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
export type IprevResultName = "pass" | "fail" | "temperror" | "permerror";
export type IpScopeName = "public" | "private" | "loopback" | "link_local" | "shared" | "documentation"
  | "benchmarking" | "unique_local" | "multicast" | "reserved" | "unspecified" | "broadcast" | "this_network"
  | "ietf_protocol" | "6to4" | "teredo" | "nat64" | "discard_only" | "site_local";

export interface CheckOptions {
  resolvers?: string[];
  format?: "wire" | "json";
  timeoutMs?: number;
  deadlineMs?: number;
  maxPtrNames?: number;
  authservId?: string;
  receiverDomains?: string[];
  allHops?: boolean;
  source?: string;
}

export interface BridgeError { kind: "input" | "options" | "internal"; message: string; }

export type HopRole = "sender_side" | "sender" | "receiver" | "retrieval";
export interface ProviderRef { id: string; name: string; }
export interface ReceiverStatement { ip: string; field: string; form: string; hop: number | null; }

export interface Tls { version: string | null; cipher: string | null; }
export interface Mta { id: string; name: string; version: string | null; }

export interface ForwardStatus {
  status: "answered" | "no_address" | "nx_domain" | "cname_loop" | "temp_failure" | "not_answered";
  detail?: string;
}

export interface HeloReport {
  name: string;
  status: "pass" | "resolves_not_ptr" | "mismatch" | "not_public" | "temperror";
  not_public: "address_literal" | "single_label" | "internal_suffix" | "invalid" | null;
  matches_ptr: boolean;
  addresses: string[];
  reason: string;
}

export interface Advice {
  id: string;
  severity: "error" | "warning" | "info";
  title: string;
  text: string;
  commands: string[];
}

export interface HopIprev {
  result: IprevResultName;
  rule: "forward_match" | "no_ptr" | "ptr_temp_error" | "forward_temp_error" | "no_forward_match";
  reason: string;
  ptr: string[];
  ptr_not_checked: number;
  matched_name: string | null;
  forward: Record<string, string[]>;
  forward_status: Record<string, ForwardStatus>;
  helo: HeloReport | null;
  advice: Advice[];
}

export interface Hop {
  index: number;
  from_helo: string | null;
  from_rdns: string | null;
  from_ip: string | null;
  from_port: number | null;
  by: string | null;
  by_ip: string | null;
  with: string | null;
  via: string | null;
  id: string | null;
  for: string | null;
  tls: Tls | null;
  date: string | null;
  delay_s: number | null;
  ip_scope: IpScopeName | null;
  mta: Mta | null;
  role: HopRole;
  relay_of: ProviderRef | null;
  iprev: HopIprev | null;
  notes: string[];
  raw: string;
}

export interface AuthProperty { ptype: string | null; property: string; value: string; }
export interface MethodResult {
  method: string;
  method_version: number | null;
  result: string;
  reason: string | null;
  properties: AuthProperty[];
  comment: string | null;
}
export interface AuthResults {
  header: string;
  instance: number | null;
  authserv_id: string | null;
  version: number | null;
  results: MethodResult[];
  notes?: string[];
}
export interface ReceivedSpf { result: string; comment: string | null; pairs: Record<string, string>; }

export interface DnsSummary { resolver: string; questions: number; rounds: number; failed: number; notes?: string[]; }

export interface Report {
  source: string;
  message_id: string | null;
  subject: string | null;
  from: string | null;
  date: string | null;
  hops: Hop[];
  sender_hop: number | null;
  receiver_statement: ReceiverStatement | null;
  authentication_results: AuthResults[];
  received_spf: ReceivedSpf[];
  notes: string[];
  authres: string | null;
  dns: DnsSummary | null;
}
"#;
