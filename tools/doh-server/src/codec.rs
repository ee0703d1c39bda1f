//! The two text codecs a DoH server needs: base64url (RFC 4648 §5) for
//! `?dns=` and percent-decoding of URL query strings.

/// Decodes base64url (RFC 4648 §5), with or without `=` padding.
///
/// Characters outside the URL-safe alphabet (including `+` and `/` of plain
/// base64), a length that no encoding has, and padding anywhere but the end
/// are errors. Non-zero bits left over in the last character are ignored.
pub fn base64url_decode(text: &str) -> Result<Vec<u8>, String> {
    let bytes = text.as_bytes();
    let unpadded = bytes.iter().rposition(|&b| b != b'=').map_or(0, |last| last + 1);
    let padding = bytes.len() - unpadded;
    if padding > 0 && (padding > 2 || !bytes.len().is_multiple_of(4)) {
        return Err(format!("bad base64url padding in {} characters", bytes.len()));
    }
    let data = &bytes[..unpadded];
    if data.len() % 4 == 1 {
        return Err(format!("{} base64url characters is not a whole number of bytes", data.len()));
    }
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for (at, &c) in data.iter().enumerate() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return Err(format!("byte 0x{c:02x} at offset {at} is not base64url")),
        };
        acc = (acc << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

/// Percent-decodes one component of a query string (`+` is a space, as in
/// `application/x-www-form-urlencoded`). A `%` not followed by two hex
/// digits is an error.
pub fn percent_decode(text: &str) -> Result<Vec<u8>, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'%' => {
                let hex = |i: usize| bytes.get(i).and_then(|&b| char::from(b).to_digit(16));
                let (Some(high), Some(low)) = (hex(at + 1), hex(at + 2)) else {
                    return Err(format!("bad percent escape at offset {at}"));
                };
                out.push((high * 16 + low) as u8);
                at += 3;
            }
            b'+' => {
                out.push(b' ');
                at += 1;
            }
            other => {
                out.push(other);
                at += 1;
            }
        }
    }
    Ok(out)
}

/// Splits a query string (the part after `?`) into decoded `(key, value)`
/// pairs, in order. A pair without `=` has an empty value; empty pairs
/// (`a=1&&b=2`) are skipped. Keys and values must decode to UTF-8.
pub fn parse_query_string(query: &str) -> Result<Vec<(String, String)>, String> {
    let mut pairs = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let utf8 = |part: &str| {
            String::from_utf8(percent_decode(part)?).map_err(|_| format!("query parameter {part:?} is not UTF-8"))
        };
        pairs.push((utf8(key)?, utf8(value)?));
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_vectors_with_and_without_padding() {
        for (plain, unpadded, padded) in [
            ("", "", ""),
            ("f", "Zg", "Zg=="),
            ("fo", "Zm8", "Zm8="),
            ("foo", "Zm9v", "Zm9v"),
            ("foob", "Zm9vYg", "Zm9vYg=="),
            ("fooba", "Zm9vYmE", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url_decode(unpadded).expect(unpadded), plain.as_bytes());
            assert_eq!(base64url_decode(padded).expect(padded), plain.as_bytes());
        }
        assert_eq!(base64url_decode("-_8").expect("url alphabet"), [0xfb, 0xff]);
    }

    #[test]
    fn round_trips_the_core_encoder() {
        let bytes: Vec<u8> = (0..=255).collect();
        for len in 0..bytes.len() {
            let text = iprev_core::dns::base64url(&bytes[..len]);
            assert_eq!(base64url_decode(&text).expect("decode"), &bytes[..len]);
        }
    }

    #[test]
    fn rejects_bad_base64url() {
        for bad in ["+/8", "Zm9v+", "Z", "Zm9vY", "Zg=", "Zg===", "Z=g=", "=", "Zm 9v", "Zm9v\u{e9}"] {
            assert!(base64url_decode(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%2Eb%2fc+d").expect("ok"), b"a.b/c d");
        assert_eq!(percent_decode("%C3%A9").expect("ok"), "\u{e9}".as_bytes());
        for bad in ["%", "%4", "%zz", "a%g1"] {
            assert!(percent_decode(bad).is_err(), "{bad:?}");
        }
        let pairs = parse_query_string("name=mail.example.net&type=A&&flag&dns=AAA%3D").expect("pairs");
        assert_eq!(
            pairs,
            [("name", "mail.example.net"), ("type", "A"), ("flag", ""), ("dns", "AAA=")]
                .map(|(k, v)| (k.to_string(), v.to_string()))
        );
        assert!(parse_query_string("name=%FF").is_err());
    }
}
