//! ANSI styling for text output, used only when colour is on.

/// Text styles.
#[derive(Debug, Clone, Copy)]
pub enum Style {
    /// Headings and the sender hop.
    Bold,
    /// Secondary text.
    Dim,
    /// Good news (`pass`).
    Green,
    /// Warnings (`temperror`, notes).
    Yellow,
    /// Bad news (`fail`, `permerror`).
    Red,
    /// Addresses.
    Cyan,
}

/// Applies styles when enabled.
#[derive(Debug, Clone, Copy)]
pub struct Painter {
    enabled: bool,
}

impl Painter {
    /// A painter that colours when `enabled`.
    pub fn new(enabled: bool) -> Self {
        Self { enabled }
    }

    /// `text` in `style`, or as it is when colour is off.
    pub fn paint(self, style: Style, text: &str) -> String {
        if !self.enabled || text.is_empty() {
            return text.to_string();
        }
        let code = match style {
            Style::Bold => "1",
            Style::Dim => "2",
            Style::Green => "32",
            Style::Yellow => "33",
            Style::Red => "31",
            Style::Cyan => "36",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }
}
