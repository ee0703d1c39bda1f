//! A small map from names to values that keeps insertion order and
//! serializes as a JSON object. The maps in a report hold a handful of
//! entries (PTR names of one address, key-value pairs of one field): a vector
//! is all they need, and it keeps the WebAssembly build free of the B-tree
//! code a `BTreeMap` would bring.

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// Names (unique) to values, in insertion order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameMap<T>(Vec<(String, T)>);

impl<T> Default for NameMap<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T> NameMap<T> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value for `name`.
    pub fn get(&self, name: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The value for `name`, to change it.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut T> {
        self.0.iter_mut().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// Sets the value for `name`, replacing any earlier one.
    pub fn insert(&mut self, name: String, value: T) {
        match self.get_mut(&name) {
            Some(slot) => *slot = value,
            None => self.0.push((name, value)),
        }
    }

    /// Sets the value for `name` unless it already has one.
    pub fn insert_if_absent(&mut self, name: String, value: T) {
        if self.get(&name).is_none() {
            self.0.push((name, value));
        }
    }

    /// True when `name` has a value.
    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &T)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// The values in insertion order.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.0.iter().map(|(_, v)| v)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a, T> IntoIterator for &'a NameMap<T> {
    type Item = (&'a String, &'a T);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (String, T)>, fn(&'a (String, T)) -> (&'a String, &'a T)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<T> std::ops::Index<&str> for NameMap<T> {
    type Output = T;

    /// The value for `name`; panics when there is none (like a map's index).
    fn index(&self, name: &str) -> &T {
        self.get(name).unwrap_or_else(|| panic!("no entry for {name}"))
    }
}

impl<T: Serialize> Serialize for NameMap<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for NameMap<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for MapVisitor<T> {
            type Value = NameMap<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of names to values")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut map = NameMap::new();
                while let Some((key, value)) = access.next_entry::<String, T>()? {
                    map.insert(key, value);
                }
                Ok(map)
            }
        }

        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_replaces() {
        let mut map = NameMap::new();
        map.insert("b".to_string(), 1);
        map.insert("a".to_string(), 2);
        map.insert("b".to_string(), 3);
        map.insert_if_absent("a".to_string(), 9);
        assert_eq!(map.iter().map(|(k, v)| (k.as_str(), *v)).collect::<Vec<_>>(), [("b", 3), ("a", 2)]);
        assert_eq!(map["a"], 2);
        assert_eq!(map.len(), 2);
    }
}
