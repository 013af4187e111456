//! A slab: values kept under small integer handles, inserted and removed in O(1), freed handles
//! reused. The boundary's deadlines live in one (`request/js_deadline.rs`): a running timer carries
//! its deadline's handle to the one shared timer callback. No hashing (a `HashMap` costs about
//! 4 KB of wasm) and no scanning (a plain list goes quadratic with thousands of calls in flight).

pub struct Slab<T> {
    slots: Vec<Option<T>>,
    /// Handles of empty slots, reused before the slab grows.
    free: Vec<u32>,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab::new()
    }
}

impl<T> Slab<T> {
    /// `const`, so a thread-local slab needs no code to start it.
    pub const fn new() -> Self {
        Slab { slots: Vec::new(), free: Vec::new() }
    }

    pub fn insert(&mut self, value: T) -> u32 {
        match self.free.pop() {
            Some(handle) => {
                self.slots[handle as usize] = Some(value);
                handle
            }
            None => {
                self.slots.push(Some(value));
                (self.slots.len() - 1) as u32
            }
        }
    }

    pub fn get(&self, handle: u32) -> Option<&T> {
        self.slots.get(handle as usize)?.as_ref()
    }

    /// Removing a handle that holds nothing (already removed, never given) does nothing.
    pub fn remove(&mut self, handle: u32) -> Option<T> {
        let value = self.slots.get_mut(handle as usize)?.take()?;
        self.free.push(handle);
        Some(value)
    }

    pub fn len(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_come_back_by_handle_and_freed_handles_are_reused() {
        let mut slab = Slab::default();
        let a = slab.insert("a");
        let b = slab.insert("b");
        assert_ne!(a, b);
        assert_eq!((slab.get(a), slab.get(b)), (Some(&"a"), Some(&"b")));
        assert_eq!(slab.remove(a), Some("a"));
        assert_eq!(slab.get(a), None);
        assert_eq!(slab.remove(a), None, "a second remove finds nothing");
        assert_eq!(slab.remove(99), None);
        assert_eq!(slab.insert("c"), a, "the freed handle is reused");
        assert_eq!((slab.get(a), slab.get(b), slab.len()), (Some(&"c"), Some(&"b"), 2));
    }

    #[test]
    fn thousands_in_flight_stay_as_many_slots_as_the_most_held_at_once() {
        let mut slab = Slab::default();
        let handles: Vec<u32> = (0..5000).map(|i| slab.insert(i)).collect();
        for (i, h) in handles.iter().enumerate() {
            assert_eq!(slab.get(*h), Some(&i));
        }
        for h in handles.iter().step_by(2) {
            slab.remove(*h);
        }
        for i in 0..2500 {
            slab.insert(i);
        }
        assert_eq!((slab.len(), slab.slots.len()), (5000, 5000));
        while let Some(h) = (0..5000).find(|h| slab.get(*h).is_some()) {
            slab.remove(h);
        }
        assert!(slab.is_empty());
    }
}
