//! The bridge in a real browser (headless Chromium through
//! wasm-bindgen-test-runner): what JavaScript gets back from each export.
#![cfg(target_arch = "wasm32")]

use iprev_extension::{analyze, check, looks_like_mbox, split_mbox, version};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const MESSAGE: &[u8] = include_bytes!("../../samples/exchange2016-local-to-gmail.eml");
const MBOX: &[u8] = include_bytes!("../../tests/data/inputs/sample.mbox");

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).expect("readable property")
}

fn options(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        Reflect::set(&object, &(*key).into(), value).expect("set");
    }
    object.into()
}

fn resolvers(url: &str) -> JsValue {
    Array::of1(&url.into()).into()
}

#[wasm_bindgen_test]
fn analyze_returns_the_report_as_a_plain_object() {
    let report = analyze(MESSAGE, &options(&[("source", "test.eml".into())])).expect("report");
    assert_eq!(get(&report, "source").as_string().as_deref(), Some("test.eml"));
    let hops: Array = get(&report, "hops").dyn_into().expect("hops array");
    assert_eq!(hops.length(), 4);
    assert_eq!(get(&report, "sender_hop").as_f64(), Some(2.0));
    let sender = hops.get(2);
    assert_eq!(get(&sender, "from_ip").as_string().as_deref(), Some("81.2.69.150"));
    assert_eq!(get(&sender, "ip_scope").as_string().as_deref(), Some("public"));
    assert!(get(&sender, "iprev").is_null());
    assert_eq!(get(&get(&sender, "mta"), "id").as_string().as_deref(), Some("gmail"));
    assert!(get(&report, "authres").is_null());
}

#[wasm_bindgen_test]
fn errors_are_typed_objects() {
    let error = analyze(b"\x00\x01\x02", &JsValue::UNDEFINED).expect_err("binary input");
    assert_eq!(get(&error, "kind").as_string().as_deref(), Some("input"));
    assert!(get(&error, "message").as_string().is_some_and(|m| m.contains("not a text message")));
    for bad in [
        options(&[("format", "xml".into())]),
        options(&[("resolvers", resolvers("http://dns.example.net/dns-query"))]),
        options(&[("timeoutMs", 1.into())]),
        options(&[("nonsense", true.into())]),
        options(&[("maxPtrNames", "ten".into())]),
        JsValue::from_str("not an object"),
    ] {
        let error = analyze(MESSAGE, &bad).expect_err("bad options");
        assert_eq!(get(&error, "kind").as_string().as_deref(), Some("options"));
    }
}

#[wasm_bindgen_test]
fn mbox_helpers() {
    assert!(looks_like_mbox(MBOX));
    assert!(!looks_like_mbox(MESSAGE));
    assert_eq!(split_mbox(MBOX).length(), 5);
    assert!(!version().is_empty());
}

#[wasm_bindgen_test]
async fn check_against_an_unreachable_resolver_is_temperror_with_a_note() {
    // Port 9 (discard) on loopback: nothing listens, the fetch fails at once.
    let opts = options(&[("resolvers", resolvers("http://127.0.0.1:9/dns-query")), ("timeoutMs", 3000.into())]);
    let report = check(MESSAGE.to_vec(), opts).await.expect("a report, not an error");
    let sender = Array::from(&get(&report, "hops")).get(2);
    let iprev = get(&sender, "iprev");
    assert_eq!(get(&iprev, "result").as_string().as_deref(), Some("temperror"));
    let notes: Array = get(&report, "notes").dyn_into().expect("notes");
    assert!(notes.iter().any(|n| n.as_string().is_some_and(|n| n.starts_with("DNS unreachable"))));
    let dns = get(&report, "dns");
    assert_eq!(get(&dns, "failed").as_f64(), get(&dns, "questions").as_f64());
}

#[wasm_bindgen_test]
async fn check_rejects_bad_input_with_a_typed_error() {
    let error = check(Vec::new(), JsValue::UNDEFINED).await.expect_err("empty input");
    assert_eq!(get(&error, "kind").as_string().as_deref(), Some("input"));
}
