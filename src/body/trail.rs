//! The trail of one traced read (`traced`): the path of the value that failed
//! (`connections[3].id`), recorded only as an error leaves each field and element, whether every
//! object had exactly its documented fields, and whether the read keeps what it reads (a read
//! that only checks leaves the model's strings and lists empty, and never hands it out: see
//! `body::check_only`). The readers (`check`, `scalar`, `keyed`) add to it as they go.

use std::cell::RefCell;

/// One step of a path: an object's field (by its documented name) or an array's element.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Segment {
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
pub(super) enum Reading {
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
pub(super) fn traced<R>(reading: Reading, read: impl FnOnce() -> R) -> (R, Trail) {
    let keep = reading == Reading::Model;
    TRAIL.with(|trail| *trail.borrow_mut() = Some(Trail { failed_at: Vec::new(), exact: true, keep }));
    let result = read();
    let trail = TRAIL.with(|trail| trail.borrow_mut().take()).unwrap_or_default();
    (result, trail)
}

/// An error leaving the value at `segment`: the step is added to the trail.
#[cold]
pub(super) fn at<E>(segment: Segment, error: E) -> E {
    TRAIL.with(|trail| {
        if let Some(trail) = trail.borrow_mut().as_mut() {
            trail.failed_at.push(segment);
        }
    });
    error
}

/// Whether the read keeps what it reads (outside `traced`, it does).
pub(super) fn keeping() -> bool {
    TRAIL.with(|trail| trail.borrow().as_ref().is_none_or(|t| t.keep))
}

/// A string of the model: copied, unless the read only checks.
pub(super) fn kept(s: &str) -> String {
    if keeping() {
        s.to_owned()
    } else {
        String::new()
    }
}

pub(super) fn not_exact() {
    TRAIL.with(|trail| {
        if let Some(trail) = trail.borrow_mut().as_mut() {
            trail.exact = false;
        }
    });
}
