//! The checks of objects and arrays behind the model (`model.rs`, through `deserialize_with`),
//! which know nothing of the model's types: `Check`, the one visitor of objects and arrays,
//! whose `Shape` accepts only the kinds it documents and otherwise fails with what it expected
//! and what it found ("should be an object but is an array"); `body/mod.rs` puts the field's
//! path in front. Scalar fields are `scalar.rs`'s, an object's keys `keyed.rs`'s, and each
//! leaves its step in the read's trail (`trail.rs`). Also the reader of error bodies' `message`.

use core::fmt;
use core::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::keyed::Fields;
use super::scalar::{wrong, AnyScalar, Scalar, Strings};
use super::trail::{at, keeping, Segment};

pub fn object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    read::<Object<T>, D>(d).map(|Object(t)| t)
}

pub fn objects<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    read::<List<Object<T>>, D>(d).map(|List(items)| items.into_iter().map(|Object(t)| t).collect())
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

/// A whole body (a 200 body, an error body) read as `T`, through the object check: a body of
/// another kind fails as "should be an object but is ...".
pub struct WholeBody<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for WholeBody<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        object(d).map(WholeBody)
    }
}
