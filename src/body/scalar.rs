//! The readers of scalar fields: strings, ids, a string among choices, a nullable string, an
//! array of strings. serde's own messages would quote the server's values and name Rust types
//! ("invalid type: string \"42\", expected i64"), so every such value goes through one visitor,
//! `AnyScalar` (one visitor type: each is a copy of serde_json's value reader in the wasm), and
//! a wrong kind fails with what was expected and what was found.

use core::fmt;
use std::borrow::Cow;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::trail::{at, keeping, kept, Segment};

/// Largest integer a JS number holds exactly; a larger id would silently change.
pub const MAX_SAFE_INTEGER: i64 = 9_007_199_254_740_991;

pub fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    match scalar(d)? {
        Scalar::Array(Strings { items, other: None }) => Ok(if keeping() { items.into_iter().map(Cow::into_owned).collect() } else { Vec::new() }),
        Scalar::Array(Strings { other: Some((index, kind)), .. }) => Err(at(Segment::Index(index), wrong("a string", kind))),
        other => Err(wrong("an array of strings", other.kind())),
    }
}

pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match scalar(d)? {
        Scalar::Str(s) => Ok(kept(&s)),
        other => Err(wrong("a string", other.kind())),
    }
}

/// An integer literal within JavaScript's safe range. Fractions and exponents are refused even
/// when whole (`7.0`, `7e0`): ids are integers, and a server writing them otherwise is broken.
pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    match scalar(d)? {
        Scalar::Integer(Some(n)) if n.abs() <= MAX_SAFE_INTEGER => Ok(n),
        Scalar::Integer(_) => Err(not_safe()),
        Scalar::Float => Err(not_safe()),
        other => Err(wrong("a number", other.kind())),
    }
}

/// A string that must be one of `choices`, read as the value paired with it. `expected` and
/// `neither` are the model's words for the two ways to miss (another kind, another string).
pub fn choice<'de, D: Deserializer<'de>, T: Copy>(d: D, choices: &[(&str, T)], expected: &'static str, neither: &'static str) -> Result<T, D::Error> {
    match scalar(d)? {
        Scalar::Str(s) => choices.iter().find(|(text, _)| *text == &*s).map(|(_, value)| *value).ok_or_else(|| de::Error::custom(neither)),
        other => Err(wrong(expected, other.kind())),
    }
}

pub(super) fn wrong<E: de::Error>(expected: &str, found: &str) -> E {
    E::custom(format_args!("should be {expected} but is {found}"))
}

/// A JSON value as a scalar field sees it: its kind, and a string's text (borrowed from the
/// body unless it had escapes). An object is read past: its kind is all a scalar field
/// reports; an array keeps its strings, for the fields that are arrays of strings (a key's
/// scopes, an error's message).
pub(super) enum Scalar<'de> {
    Str(Cow<'de, str>),
    /// `None`: a whole number beyond `i64`.
    Integer(Option<i64>),
    Float,
    Boolean,
    Null,
    Object,
    Array(Strings<'de>),
}

/// An array's string elements, and the first element that is not a string (index, kind).
pub(super) struct Strings<'de> {
    pub(super) items: Vec<Cow<'de, str>>,
    pub(super) other: Option<(usize, &'static str)>,
}

impl Scalar<'_> {
    pub(super) fn kind(&self) -> &'static str {
        match self {
            Scalar::Str(_) => "a string",
            Scalar::Integer(_) | Scalar::Float => "a number",
            Scalar::Boolean => "a boolean",
            Scalar::Null => "null",
            Scalar::Object => "an object",
            Scalar::Array(_) => "an array",
        }
    }
}

fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Scalar<'de>, D::Error> {
    d.deserialize_any(AnyScalar)
}

/// The visitor of every scalar field.
pub(super) struct AnyScalar;

impl<'de> Visitor<'de> for AnyScalar {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Integer(Some(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Integer(i64::try_from(v).ok()))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Float)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Boolean)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Null)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Object)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar<'de>, A::Error> {
        let (mut items, mut other, mut index) = (Vec::new(), None, 0);
        while let Some(item) = seq.next_element_seed(AnyScalar)? {
            match item {
                Scalar::Str(s) => items.push(s),
                item => {
                    other = other.or(Some((index, item.kind())));
                }
            }
            index += 1;
        }
        Ok(Scalar::Array(Strings { items, other }))
    }
}

impl<'de> DeserializeSeed<'de> for AnyScalar {
    type Value = Scalar<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Scalar<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

/// A string where the docs say "string or null". Fields hold `Option<NullableString>`: serde's
/// `Option` reads `null` and an absent field as `None` and hands anything else to this, which
/// names both kinds it would have taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct NullableString(pub String);

impl core::ops::Deref for NullableString {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for NullableString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match scalar(d)? {
            Scalar::Str(s) => Ok(NullableString(kept(&s))),
            other => Err(wrong("a string or null", other.kind())),
        }
    }
}

fn not_safe<E: de::Error>() -> E {
    E::custom("is not an integer within JavaScript's safe range")
}
