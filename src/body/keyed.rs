//! The keyed reader: an object's entries handed to a derived `Deserialize`, each key matched
//! against the fields the derive names, so the trail learns which documented field an error
//! left (`connections[3].id`) and whether the object had exactly its documented fields.

use core::fmt;

use serde::de::value::U64Deserializer;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::forward_to_deserialize_any;

use super::trail::{at, not_exact, Segment};

/// An object's entries handed to `T`'s derived `Deserialize`, which names its fields (the
/// `fields` of `deserialize_struct`): each key is matched against them, for the trail.
pub(super) struct Fields<A>(pub(super) A);

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
