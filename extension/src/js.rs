//! Reading plain JavaScript objects field by field (`Reflect.get`), without
//! a serde deserializer in the module: keeps the WebAssembly small.

use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// The value of `key` on `object`; `undefined` when absent or unreadable.
pub fn field(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// True when the value is `undefined` or `null`.
pub fn absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

/// The value of `key` on `object`, unless it is `undefined` or `null`.
fn present(object: &JsValue, key: &str) -> Option<JsValue> {
    Some(field(object, key)).filter(|value| !absent(value))
}

/// A string field; `Err` names the field when it has another type.
pub fn string(object: &JsValue, key: &str) -> Result<Option<String>, String> {
    present(object, key).map(|value| value.as_string().ok_or_else(|| format!("{key} must be a string"))).transpose()
}

/// A non-negative whole-number field.
pub fn number(object: &JsValue, key: &str) -> Result<Option<u32>, String> {
    present(object, key)
        .map(|value| match value.as_f64() {
            Some(n) if n >= 0.0 && n <= f64::from(u32::MAX) && n.fract() == 0.0 => Ok(n as u32),
            _ => Err(format!("{key} must be a whole number")),
        })
        .transpose()
}

/// A boolean field.
pub fn boolean(object: &JsValue, key: &str) -> Result<Option<bool>, String> {
    present(object, key).map(|value| value.as_bool().ok_or_else(|| format!("{key} must be true or false"))).transpose()
}

/// The elements of the array `value`, the field `key`.
fn elements(value: &JsValue, key: &str) -> Result<Vec<JsValue>, String> {
    let array: &Array = value.dyn_ref().ok_or_else(|| format!("{key} must be an array"))?;
    Ok(array.iter().collect())
}

/// The elements of an array field (empty when absent).
pub fn array(object: &JsValue, key: &str) -> Result<Vec<JsValue>, String> {
    present(object, key).map_or_else(|| Ok(Vec::new()), |value| elements(&value, key))
}

/// An array field of strings.
pub fn strings(object: &JsValue, key: &str) -> Result<Option<Vec<String>>, String> {
    present(object, key)
        .map(|value| {
            elements(&value, key)?
                .into_iter()
                .map(|v| v.as_string().ok_or_else(|| format!("{key} must hold strings")))
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()
}

/// Calls `object.name(...args)`; an error when it is not a function or throws.
pub fn call_method(object: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let method = js_sys::Reflect::get(object, &name.into())?;
    let function =
        method.dyn_ref::<js_sys::Function>().ok_or_else(|| JsValue::from_str(&format!("no method {name}")))?;
    let list: js_sys::Array = args.iter().collect();
    function.apply(object, &list)
}

/// A thrown value in a few words: an Error's message, or its string form.
pub fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}
