//! Groups the tokens of a `Received:` value into its clauses and its date.
//!
//! RFC 5321 §4.4: `Stamp = From-domain By-domain Opt-info [CFWS] ";" FWS
//! date-time`, with `Opt-info = [Via] [With] [ID] [For] ...`. In the wild the
//! clauses come in any order, repeat, carry comments anywhere, and the date
//! may lack its `;` (SendGrid) or be followed by more clauses (Courier's
//! `id` after the date), so the split is by keyword, not by position.

use super::lexer::{Lexeme, Token, lex, lex_read};
use crate::date::{MailDate, parse_date};

/// A clause keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyword {
    /// `from`
    From,
    /// `by`
    By,
    /// `via`
    Via,
    /// `with`
    With,
    /// `id`
    Id,
    /// `for`
    For,
}

impl Keyword {
    fn parse(word: &str) -> Option<Self> {
        const WORDS: [(&str, Keyword); 6] = [
            ("from", Keyword::From),
            ("by", Keyword::By),
            ("via", Keyword::Via),
            ("with", Keyword::With),
            ("id", Keyword::Id),
            ("for", Keyword::For),
        ];
        WORDS.iter().find(|(w, _)| word.eq_ignore_ascii_case(w)).map(|(_, k)| *k)
    }
}

/// A keyword and the tokens up to the next keyword; `keyword` is `None` for
/// tokens before the first keyword (qmail's `(qmail 123 invoked from network)`).
#[derive(Debug)]
pub struct Clause<'a> {
    /// The keyword that opens the clause.
    pub keyword: Option<Keyword>,
    /// The words and comments of the clause, in order.
    pub items: Vec<Token<'a>>,
}

impl<'a> Clause<'a> {
    /// The first word of the clause.
    pub fn first_word(&self) -> Option<&'a str> {
        // Comments may stand between a keyword and its value (RFC 5322 CFWS).
        self.words().next()
    }

    /// The comments of the clause.
    pub fn comments(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.items.iter().filter_map(|t| match t {
            Token::Comment(c) => Some(*c),
            _ => None,
        })
    }

    /// The words of the clause.
    pub fn words(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.items.iter().filter_map(|t| match t {
            Token::Word(w) => Some(*w),
            _ => None,
        })
    }
}

/// A value split into clauses and date.
#[derive(Debug)]
pub struct Split<'a> {
    /// Clauses in the order written.
    pub clauses: Vec<Clause<'a>>,
    /// The date, when one could be read.
    pub date: Option<MailDate>,
    /// Text after the last `;` that could not be read as a date.
    pub unreadable_date: Option<&'a str>,
    /// The text the date was read from.
    pub date_text: Option<&'a str>,
    /// The text after the date.
    pub after_date: Option<&'a str>,
}

impl<'a> Split<'a> {
    /// The first clause with this keyword.
    pub fn first(&self, keyword: Keyword) -> Option<&Clause<'a>> {
        self.clauses.iter().find(|c| c.keyword == Some(keyword))
    }
}

/// Splits a value into clauses and its date. The tokens are read as
/// [`lex_read`] reads them: `unfolded` holds the value when folds inside
/// comments or quoted strings had to be read away, and the `Split` then
/// borrows from it.
pub fn split<'a>(value: &'a str, unfolded: &'a mut String) -> Split<'a> {
    let (value, lexemes) = lex_read(value, unfolded);
    let last_semicolon = lexemes.iter().rposition(|l| l.token == Token::Semicolon);
    let mut unreadable_date = None;
    let mut date_text = None;
    let mut after_date = None;
    let (mut tokens, date) = match last_semicolon {
        Some(at) => {
            let after = &value[lexemes[at].end..];
            let before: Vec<Token<'_>> = lexemes[..at].iter().map(|l| l.token).collect();
            if let Some((date, used)) = parse_date(after) {
                date_text = Some(after[..used].trim());
                after_date = Some(&after[used..]);
                (join(before, &after[used..]), Some(date))
            } else {
                let rest = after.trim();
                if !rest.is_empty() {
                    unreadable_date = Some(rest);
                }
                (join(before, after), None)
            }
        }
        None => date_without_semicolon(value, &lexemes),
    };
    tokens.retain(|t| *t != Token::Semicolon);
    Split { clauses: group(tokens), date, unreadable_date, date_text, after_date }
}

/// The tokens before the date, then those of the text after it from its
/// first clause keyword on (Courier's `id` after the date). Words before that
/// keyword are what is left of the date (an offset or a zone no form reads,
/// text that is no date at all): they belong to no clause, so a `with`
/// before the date never ends in `+1200`. Comments are kept.
fn join<'a>(mut before: Vec<Token<'a>>, rest: &'a str) -> Vec<Token<'a>> {
    let mut in_clause = false;
    before.extend(lex(rest).into_iter().map(|l| l.token).filter(|token| {
        if let Token::Word(word) = token {
            in_clause |= Keyword::parse(word).is_some();
            return in_clause;
        }
        true
    }));
    before
}

/// SendGrid and some gateways write the date with no `;` before it: look
/// for the first top-level word from which a whole date can be read.
fn date_without_semicolon<'a>(value: &'a str, lexemes: &[Lexeme<'a>]) -> (Vec<Token<'a>>, Option<MailDate>) {
    for (k, lexeme) in lexemes.iter().enumerate().skip(1) {
        let Token::Word(word) = lexeme.token else {
            continue;
        };
        if !could_start_date(word) {
            continue;
        }
        if let Some((date, used)) = parse_date(&value[lexeme.start..]) {
            let before = lexemes[..k].iter().map(|l| l.token).collect();
            return (join(before, &value[lexeme.start + used..]), Some(date));
        }
    }
    (lexemes.iter().map(|l| l.token).collect(), None)
}

fn could_start_date(word: &str) -> bool {
    let first = word.as_bytes()[0];
    if first.is_ascii_digit() {
        return word.len() <= 2 || (word.len() >= 10 && word.as_bytes()[4] == b'-') || word.contains('-');
    }
    // A weekday, or a month when the day follows it (`Jul, 24 2002 ...`).
    const NAMES: [&str; 19] = [
        "mon", "tue", "wed", "thu", "fri", "sat", "sun", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
        "oct", "nov", "dec",
    ];
    NAMES.iter().any(|d| crate::ascii::starts_with_ignore_case(word, d))
}

fn group(tokens: Vec<Token<'_>>) -> Vec<Clause<'_>> {
    let mut clauses = vec![Clause { keyword: None, items: Vec::new() }];
    for token in tokens {
        if let Token::Word(word) = token
            && let Some(keyword) = Keyword::parse(word)
        {
            clauses.push(Clause { keyword: Some(keyword), items: Vec::new() });
            continue;
        }
        if let Some(current) = clauses.last_mut() {
            current.items.push(token);
        }
    }
    if clauses.first().is_some_and(|c| c.items.is_empty()) {
        clauses.remove(0);
    }
    clauses
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn courier_id_after_date() {
        let mut unfolded = String::new();
        let split = split(
            "from a by b with ESMTP; Wed, 04 Jan 2023 10:11:12 -0500\r\n  id 0000000000123ABC.0000000063B5A3D1.00001234",
            &mut unfolded,
        );
        assert!(split.date.is_some());
        assert_eq!(
            split.first(Keyword::Id).and_then(Clause::first_word),
            Some("0000000000123ABC.0000000063B5A3D1.00001234")
        );
    }

    #[test]
    fn sendgrid_date_without_semicolon() {
        let mut unfolded = String::new();
        let split = split(
            "by filterdrecv-1 with SMTP id filterdrecv-1-63B5A3D1-2A 2023-01-04 16:05:37.29 +0000 UTC m=+3010374.41",
            &mut unfolded,
        );
        assert!(split.date.is_some());
        assert_eq!(split.first(Keyword::Id).and_then(Clause::first_word), Some("filterdrecv-1-63B5A3D1-2A"));
    }

    #[test]
    fn unreadable_date_is_reported() {
        let mut unfolded = String::new();
        let split = split("from a by b; yesterday", &mut unfolded);
        assert!(split.date.is_none());
        assert_eq!(split.unreadable_date, Some("yesterday"));
        assert_eq!(split.first(Keyword::By).map(|c| c.words().collect::<Vec<_>>()), Some(vec!["b"]));
    }

    /// Regression: what a date form left unread (an offset, a word) joined
    /// the clause before the date: `with SMTP; Jul, 24 2002 7:45:40 AM -0600`
    /// gave `with` the words `SMTP -0600`.
    #[test]
    fn words_left_after_the_date_join_no_clause() {
        let mut unfolded = String::new();
        for value in [
            "from a by b with SMTP; Wed, 24 Jul 2002 7:45:40 -0600 +1200 (x) id 7",
            "from a by b with SMTP Wed, 24 Jul 2002 7:45:40 -0600 +1200 (x) id 7",
            "from a by b with SMTP; 24/07/2002 7:45:40 -0600 (x) id 7",
        ] {
            let split = split(value, &mut unfolded);
            assert_eq!(
                split.first(Keyword::With).map(|c| c.words().collect::<Vec<_>>()),
                Some(vec!["SMTP"]),
                "{value}"
            );
            assert_eq!(split.first(Keyword::Id).and_then(Clause::first_word), Some("7"), "{value}");
        }
    }

    /// Regression: a date with no `;` before it was found only when it
    /// started with a weekday or the day, not with the month.
    #[test]
    fn month_first_date_without_semicolon() {
        let mut unfolded = String::new();
        let split = split("from a by b with SMTP Jul, 24 2002 7:45:40 AM -0600", &mut unfolded);
        assert_eq!(split.date.map(|d| d.to_rfc3339()).as_deref(), Some("2002-07-24T07:45:40-06:00"));
        assert_eq!(split.first(Keyword::With).map(|c| c.words().collect::<Vec<_>>()), Some(vec!["SMTP"]));
    }

    /// Regression: the clauses are made of the tokens as read, and the date
    /// and what follows it are read in the same text.
    #[test]
    fn folds_inside_tokens_are_read_away_everywhere() {
        let mut unfolded = String::new();
        let split = split(
            "from a by b (Exim\r\n 4.96) for <\"j\r\n d\"@x>; Wed, 04 Jan 2023 10:11:12 -0500 (x\r\n\ty)\r\n id 7",
            &mut unfolded,
        );
        let by = split.first(Keyword::By).expect("by clause");
        assert_eq!(by.comments().collect::<Vec<_>>(), ["Exim 4.96"]);
        assert_eq!(split.first(Keyword::For).and_then(Clause::first_word), Some("<\"j d\"@x>"));
        assert!(split.date.is_some());
        assert_eq!(split.first(Keyword::Id).and_then(Clause::first_word), Some("7"));
    }
}
