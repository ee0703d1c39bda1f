//! ASCII case-insensitive tests on text, without lower-case copies: header
//! keywords, product marks and protocol names are ASCII whatever the text
//! around them is.

/// `text` starts with `prefix`, ignoring ASCII case.
pub fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.as_bytes().get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// `text` without `prefix` (ignoring ASCII case), when it starts with it.
pub fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    starts_with_ignore_case(text, prefix).then(|| text.get(prefix.len()..)).flatten()
}

/// Where `needle` first occurs in `text`, ignoring ASCII case.
pub fn find_ignore_case(text: &str, needle: &str) -> Option<usize> {
    let (h, n) = (text.as_bytes(), needle.as_bytes());
    let Some(first) = n.first() else { return Some(0) };
    if h.len() < n.len() {
        return None;
    }
    // The first byte alone rules most places out before the whole compare.
    (0..=h.len() - n.len()).find(|&i| h[i].eq_ignore_ascii_case(first) && h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// `text` contains `needle`, ignoring ASCII case.
pub fn contains_ignore_case(text: &str, needle: &str) -> bool {
    find_ignore_case(text, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_is_ignored_and_nothing_is_sliced_badly() {
        assert!(starts_with_ignore_case("LOCAL-esmtp", "local-"));
        assert!(!starts_with_ignore_case("loc", "local-"));
        assert!(!starts_with_ignore_case("é-local", "lo"));
        assert_eq!(strip_prefix_ignore_case("HELO=mail.example", "helo="), Some("mail.example"));
        assert_eq!(strip_prefix_ignore_case("port", "port="), None);
        assert_eq!(find_ignore_case("ESMTP/tls/ECDHE", "/TLS/"), Some(5));
        assert_eq!(find_ignore_case("abc", ""), Some(0));
        assert_eq!(find_ignore_case("ab", "abc"), None);
        assert!(contains_ignore_case("host (May Be Forged)", "may be forged"));
        assert!(!contains_ignore_case("Überweisung", "using"));
    }
}
