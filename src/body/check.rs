//! The field checks behind the model (`model.rs`, through `deserialize_with`), which knows
//! nothing of the model's types. Each reads one
//! JSON value and, when its kind is wrong, fails with what it expected and what it found
//! ("should be a number but is a string"); `body/mod.rs` puts the field's path in front.
//!
//! serde's own messages would quote the server's values and name Rust types ("invalid type:
//! string \"42\", expected i64"), so every value goes through one of two visitors: `Scalar`
//! for every string, number and id field (one visitor type: each is a copy of serde_json's
//! value reader in the wasm), and `Check` for objects and arrays, whose `Shape` accepts only
//! the kinds it documents.
//!
//! The readers of objects and arrays here also keep the trail of one read (`traced`): the path
//! of the value that failed (`connections[3].id`), recorded only as an error leaves each field
//! and element, and whether every object had exactly its documented fields. A traced read may
//! also check without keeping the model's text and lists (`Reading::Check`): a body with exactly the
//! documented fields, the usual case, goes to JavaScript as it is, and its strings need no copy.

use core::fmt;
use core::marker::PhantomData;
use std::borrow::Cow;
use std::cell::RefCell;

use serde::de::value::U64Deserializer;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{forward_to_deserialize_any, Deserialize, Serialize};

/// Largest integer a JS number holds exactly; a larger id would silently change.
pub const MAX_SAFE_INTEGER: i64 = 9_007_199_254_740_991;

pub fn object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    read::<Object<T>, D>(d).map(|Object(t)| t)
}

pub fn objects<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    read::<List<Object<T>>, D>(d).map(|List(items)| items.into_iter().map(|Object(t)| t).collect())
}

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

/// An error body's `message` (`{"statusCode": 401, "message": "Invalid API key", "error":
/// "Unauthorized"}`): a string, or a list whose strings are joined (NestJS validation errors);
/// of another kind, or absent, it reads as `None`. Other fields are read past, never kept; a
/// body that is not an object, or repeats `message`, is refused. Read by hand rather than
/// through a derived struct: a struct of one field would cost a reader of its own.
pub fn error_message<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    read::<ErrorMessage, D>(d).map(|ErrorMessage(m)| m)
}

/// A value of a documented kind. Each method is one kind of JSON value; the defaults refuse it.
pub(crate) trait Shape<'de>: Sized {
    /// What the documentation promises here, for messages: "an object", "an array of strings".
    const EXPECTED: &'static str;

    fn map<A: MapAccess<'de>>(_: A) -> Result<Self, A::Error> {
        Err(wrong(Self::EXPECTED, "an object"))
    }
    fn seq<A: SeqAccess<'de>>(_: A) -> Result<Self, A::Error> {
        Err(wrong(Self::EXPECTED, "an array"))
    }
    fn string<E: de::Error>(_: &str) -> Result<Self, E> {
        Err(wrong(Self::EXPECTED, "a string"))
    }
    fn number<E: de::Error>() -> Result<Self, E> {
        Err(wrong(Self::EXPECTED, "a number"))
    }
    fn boolean<E: de::Error>() -> Result<Self, E> {
        Err(wrong(Self::EXPECTED, "a boolean"))
    }
    fn null<E: de::Error>() -> Result<Self, E> {
        Err(wrong(Self::EXPECTED, "null"))
    }
}

fn wrong<E: de::Error>(expected: &str, found: &str) -> E {
    E::custom(format_args!("should be {expected} but is {found}"))
}

/// A JSON value as a scalar field sees it: its kind, and a string's text (borrowed from the
/// body unless it had escapes). An object is read past: its kind is all a scalar field
/// reports; an array keeps its strings, for the fields that are arrays of strings (a key's
/// scopes, an error's message).
enum Scalar<'de> {
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
struct Strings<'de> {
    items: Vec<Cow<'de, str>>,
    other: Option<(usize, &'static str)>,
}

impl Scalar<'_> {
    fn kind(&self) -> &'static str {
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
struct AnyScalar;

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

pub(crate) fn read<'de, S: Shape<'de>, D: Deserializer<'de>>(d: D) -> Result<S, D::Error> {
    d.deserialize_any(Check(PhantomData))
}

/// The one visitor: hands each kind of value to the shape.
struct Check<S>(PhantomData<S>);

impl<'de, S: Shape<'de>> Visitor<'de> for Check<S> {
    type Value = S;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(S::EXPECTED)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<S, A::Error> {
        S::map(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<S, A::Error> {
        S::seq(seq)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<S, E> {
        S::string(v)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<S, E> {
        S::number()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<S, E> {
        S::number()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<S, E> {
        S::number()
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<S, E> {
        S::boolean()
    }
    fn visit_unit<E: de::Error>(self) -> Result<S, E> {
        S::null()
    }
    fn visit_none<E: de::Error>(self) -> Result<S, E> {
        S::null()
    }
}

impl<'de, S: Shape<'de>> DeserializeSeed<'de> for Check<S> {
    type Value = S;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S, D::Error> {
        d.deserialize_any(self)
    }
}

struct ErrorMessage(Option<String>);

impl<'de> Shape<'de> for ErrorMessage {
    const EXPECTED: &'static str = "an object";

    fn map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut message = None;
        while let Some(is_message) = map.next_key_seed(IsMessage)? {
            if !is_message {
                map.next_value::<IgnoredAny>()?;
            } else if message.is_some() {
                return Err(de::Error::custom("duplicate field `message`"));
            } else {
                message = Some(match map.next_value_seed(AnyScalar)? {
                    Scalar::Str(s) => Some(s.into_owned()),
                    // Joined by hand: `join` over `Cow`s is another copy of it in the wasm.
                    Scalar::Array(Strings { items, .. }) => Some(items.iter().enumerate().fold(String::new(), |mut joined, (i, part)| {
                        if i > 0 {
                            joined.push_str("; ");
                        }
                        joined.push_str(part);
                        joined
                    })),
                    _ => None,
                });
            }
        }
        Ok(ErrorMessage(message.flatten()))
    }
}

/// Whether a key is `message`.
struct IsMessage;

impl<'de> DeserializeSeed<'de> for IsMessage {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for IsMessage {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == "message")
    }
}

/// A JSON object read into `T`'s derived `Deserialize` (which skips unknown keys), through
/// `Fields`, which keeps the trail.
pub(crate) struct Object<T>(pub T);

impl<'de, T: Deserialize<'de>> Shape<'de> for Object<T> {
    const EXPECTED: &'static str = "an object";

    fn map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        T::deserialize(Fields(map)).map(Object)
    }
}

struct List<S>(Vec<S>);

impl<'de, S: Shape<'de>> Shape<'de> for List<S> {
    const EXPECTED: &'static str = "an array";

    /// A read that only checks keeps no element: the list comes back empty.
    fn seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        let keep = keeping();
        let mut items = Vec::new();
        let mut index = 0;
        while let Some(item) = seq.next_element_seed(Check::<S>(PhantomData)).map_err(|e| at(Segment::Index(index), e))? {
            if keep {
                items.push(item);
            }
            index += 1;
        }
        Ok(List(items))
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

/// One step of a path: an object's field (by its documented name) or an array's element.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Segment {
    Field(&'static str),
    Index(usize),
}

/// What one read left behind (`traced`).
#[derive(Debug, Default)]
pub struct Trail {
    /// Innermost first: each reader adds its step as the error passes through it outwards.
    failed_at: Vec<Segment>,
    /// Every object read had each of its documented fields once and nothing else.
    pub exact: bool,
    keep: bool,
}

/// What a traced read is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// The model as the body has it.
    Model,
    /// Only whether the body is right (and exact): strings and lists are checked and left empty.
    Check,
}

impl Trail {
    /// The failed value's path: `connections[3].id`, `apiKey.scopes[1]`, `.` for the whole body.
    pub fn path(&self) -> String {
        let mut path = String::new();
        for segment in self.failed_at.iter().rev() {
            match segment {
                Segment::Field(name) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(name);
                }
                Segment::Index(i) => {
                    path.push('[');
                    path.push_str(&i.to_string());
                    path.push(']');
                }
            }
        }
        if path.is_empty() {
            path.push('.');
        }
        path
    }
}

thread_local! {
    /// The trail of the read in progress; `None` outside `traced`, so reads that do not ask for
    /// it (error bodies) leave nothing behind.
    static TRAIL: RefCell<Option<Trail>> = const { RefCell::new(None) };
}

/// Runs `read` (one body through the checks here) and returns what it left behind.
pub fn traced<R>(reading: Reading, read: impl FnOnce() -> R) -> (R, Trail) {
    let keep = reading == Reading::Model;
    TRAIL.with(|trail| *trail.borrow_mut() = Some(Trail { failed_at: Vec::new(), exact: true, keep }));
    let result = read();
    let trail = TRAIL.with(|trail| trail.borrow_mut().take()).unwrap_or_default();
    (result, trail)
}

/// An error leaving the value at `segment`: the step is added to the trail.
#[cold]
fn at<E>(segment: Segment, error: E) -> E {
    TRAIL.with(|trail| {
        if let Some(trail) = trail.borrow_mut().as_mut() {
            trail.failed_at.push(segment);
        }
    });
    error
}

/// Whether the read keeps what it reads (outside `traced`, it does).
fn keeping() -> bool {
    TRAIL.with(|trail| trail.borrow().as_ref().is_none_or(|t| t.keep))
}

/// A string of the model: copied, unless the read only checks.
fn kept(s: &str) -> String {
    if keeping() {
        s.to_owned()
    } else {
        String::new()
    }
}

fn not_exact() {
    TRAIL.with(|trail| {
        if let Some(trail) = trail.borrow_mut().as_mut() {
            trail.exact = false;
        }
    });
}

/// An object's entries handed to `T`'s derived `Deserialize`, which names its fields (the
/// `fields` of `deserialize_struct`): each key is matched against them, for the trail.
struct Fields<A>(A);

impl<'de, A: MapAccess<'de>> Deserializer<'de> for Fields<A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        self.deserialize_struct("", &[], visitor)
    }
    fn deserialize_struct<V: Visitor<'de>>(self, _: &'static str, fields: &'static [&'static str], visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_map(Keyed { map: self.0, fields, field: None, keys: 0 })
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit unit_struct
        newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

struct Keyed<A> {
    map: A,
    fields: &'static [&'static str],
    /// The documented field whose value is being read (`None`: an unknown key's).
    field: Option<&'static str>,
    keys: usize,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Keyed<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        match self.map.next_key_seed(Key { seed, fields: self.fields })? {
            Some((key, field)) => {
                self.field = field;
                self.keys += 1;
                if field.is_none() {
                    not_exact();
                }
                Ok(Some(key))
            }
            None => {
                // Every key was a documented field, and the derive refuses a repeated one: as
                // many keys as fields means each field once.
                if self.keys != self.fields.len() {
                    not_exact();
                }
                Ok(None)
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        let field = self.field;
        self.map.next_value_seed(seed).map_err(|e| match field {
            Some(name) => at(Segment::Field(name), e),
            None => e,
        })
    }
}

/// A key read as a string and matched against the documented fields. The derive's field seed
/// gets the field's index, which derived structs take as readily as its name (an index past the
/// last is an unknown key, skipped): the name is compared once, here.
struct Key<K> {
    seed: K,
    fields: &'static [&'static str],
}

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for Key<K> {
    type Value = (K::Value, Option<&'static str>);

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, K: DeserializeSeed<'de>> Visitor<'de> for Key<K> {
    type Value = (K::Value, Option<&'static str>);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        let index = self.fields.iter().position(|name| *name == key);
        let value = self.seed.deserialize(U64Deserializer::<E>::new(index.unwrap_or(self.fields.len()) as u64))?;
        Ok((value, index.map(|i| self.fields[i])))
    }
}

/// A whole body (a 200 body, an error body) read as `T`, through the object check: a body of
/// another kind fails as "should be an object but is ...".
pub struct WholeBody<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for WholeBody<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        object(d).map(WholeBody)
    }
}
