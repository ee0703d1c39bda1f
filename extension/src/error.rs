//! Errors as they cross into JavaScript: plain `{kind, message}` objects.

use wasm_bindgen::JsValue;

/// What went wrong, for scripts to branch on.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// The input is not a message (empty, binary, no header block).
    Input,
    /// The options object is malformed (unknown format, bad resolver URL...).
    Options,
    /// A bug: something that should not fail did.
    Internal,
}

/// A typed error object.
#[derive(Debug)]
pub struct BridgeError {
    /// The category.
    pub kind: Kind,
    /// A sentence for people.
    pub message: String,
}

impl BridgeError {
    /// An error of `kind`.
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Input => "input",
            Self::Options => "options",
            Self::Internal => "internal",
        }
    }
}

impl From<BridgeError> for JsValue {
    fn from(error: BridgeError) -> Self {
        let object = js_sys::Object::new();
        // Setting a property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&object, &"kind".into(), &error.kind.as_str().into());
        let _ = js_sys::Reflect::set(&object, &"message".into(), &error.message.into());
        object.into()
    }
}
