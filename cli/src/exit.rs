//! Exit codes: a contract for scripts (see README).

use iprev_core::report::{IprevResult, Report};

/// The sender hop passes (or nothing was checked: `--offline`, or no hop
/// with a public client).
pub const OK: u8 = 0;
/// The sender hop's iprev result is `fail` or `permerror`.
pub const FAIL: u8 = 1;
/// Usage error, or an input that could not be read.
pub const INPUT_ERROR: u8 = 2;
/// The sender hop's iprev result is `temperror`.
pub const TEMPERROR: u8 = 3;

/// How bad a code is, for combining messages: input errors first, then
/// definite failures, then temporary ones.
fn rank(code: u8) -> u8 {
    match code {
        INPUT_ERROR => 3,
        FAIL => 2,
        TEMPERROR => 1,
        _ => 0,
    }
}

/// The worse of two codes.
pub fn worst(a: u8, b: u8) -> u8 {
    if rank(b) > rank(a) { b } else { a }
}

fn code_of(result: IprevResult) -> u8 {
    match result {
        IprevResult::Pass => OK,
        IprevResult::Fail | IprevResult::Permerror => FAIL,
        IprevResult::Temperror => TEMPERROR,
    }
}

/// The code one report earns: its sender hop's result, or with `all_hops`
/// the worst result of every checked hop.
pub fn for_report(report: &Report, all_hops: bool) -> u8 {
    if all_hops {
        return report.hops.iter().filter_map(|h| h.iprev.as_ref()).map(|i| code_of(i.result)).fold(OK, worst);
    }
    report.sender_hop.and_then(|i| report.hops.get(i)).and_then(|h| h.iprev.as_ref()).map_or(OK, |i| code_of(i.result))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranking() {
        assert_eq!(worst(OK, TEMPERROR), TEMPERROR);
        assert_eq!(worst(TEMPERROR, FAIL), FAIL);
        assert_eq!(worst(FAIL, TEMPERROR), FAIL);
        assert_eq!(worst(FAIL, INPUT_ERROR), INPUT_ERROR);
        assert_eq!(worst(INPUT_ERROR, OK), INPUT_ERROR);
    }
}
