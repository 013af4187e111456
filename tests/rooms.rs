//! The code's rooms (README.md's Layout): no module imports one that imports it back, by any
//! path, and no room (a folder of `src/`, or a top-level file) does either. Read from the
//! sources' `crate::` and `super::` paths, natively.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Each module of `src/` (`room/module` or `room` for a top-level file or a `mod.rs`) with the
/// modules its code names.
fn modules() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = BTreeMap::new();
    for entry in fs::read_dir(&src).expect("src/") {
        let path = entry.expect("an entry of src/").path();
        if path.is_dir() {
            let room = path.file_name().unwrap().to_string_lossy().into_owned();
            for file in fs::read_dir(&path).expect("a room") {
                let file = file.expect("a file of a room").path();
                let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
                let name = if stem == "mod" { room.clone() } else { format!("{room}/{stem}") };
                found.insert(name.clone(), named(&fs::read_to_string(&file).unwrap(), &room));
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            if stem != "lib" {
                found.insert(stem.clone(), named(&fs::read_to_string(&path).unwrap(), &stem));
            }
        }
    }
    // `js_no_store.rs` is compiled as `cache/js_store` without the `fleet` feature.
    if let Some(uses) = found.remove("cache/js_no_store") {
        found.entry("cache/js_store".into()).or_default().extend(uses);
    }
    let known: BTreeSet<String> = found.keys().cloned().collect();
    for uses in found.values_mut() {
        // `crate::room::item` names the room's `mod.rs` when `item` is not a module.
        *uses = uses.iter().map(|u| if known.contains(u) { u.clone() } else { u.split('/').next().unwrap().to_string() }).collect();
    }
    for (name, uses) in found.iter_mut() {
        uses.remove(name);
    }
    found
}

/// The modules `code` (of `room`) names: `crate::a::b`, `crate::a::{b, c}`, `super::b`, tests aside.
fn named(code: &str, room: &str) -> BTreeSet<String> {
    let code = code.split("#[cfg(test)]").next().unwrap_or_default();
    let mut uses = BTreeSet::new();
    let word = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    for (prefix, base) in [("crate::", None), ("super::", Some(room))] {
        for (at, _) in code.match_indices(prefix) {
            let rest = &code[at + prefix.len()..];
            let (first, after) = match base {
                Some(room) => (room.to_string(), rest),
                None => {
                    let first = word(rest);
                    let after = &rest[first.len()..];
                    (first, after)
                }
            };
            let after = after.strip_prefix("::").unwrap_or(if base.is_some() { after } else { "" });
            if let Some(list) = after.strip_prefix('{') {
                for item in list.split('}').next().unwrap_or_default().split(',') {
                    uses.insert(format!("{first}/{}", word(item.trim())));
                }
            } else {
                let second = word(after);
                uses.insert(if second.is_empty() { first } else { format!("{first}/{second}") });
            }
        }
    }
    uses
}

/// A cycle in `graph`, if there is one, as the path that closes it.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(node: &str, graph: &BTreeMap<String, BTreeSet<String>>, path: &mut Vec<String>, done: &mut BTreeSet<String>) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut found = path[at..].to_vec();
            found.push(node.to_string());
            return Some(found);
        }
        if !done.insert(node.to_string()) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = modules();
    assert!(graph.len() > 20, "found only {:?}", graph.keys());
    assert!(graph["cache/js_cache"].contains("request/js_retry_loop"), "paths not read: {:?}", graph["cache/js_cache"]);
    assert_eq!(cycle(&graph), None);
}

#[test]
fn no_room_imports_one_that_imports_it_back() {
    let mut rooms: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let room = |m: &str| m.split('/').next().unwrap().to_string();
    for (module, uses) in modules() {
        let entry = rooms.entry(room(&module)).or_default();
        entry.extend(uses.iter().map(|u| room(u)).filter(|r| *r != room(&module)));
    }
    assert!(rooms["cache"].contains("options"), "paths not read: {:?}", rooms["cache"]);
    assert_eq!(cycle(&rooms), None);
}

#[test]
fn a_cycle_is_found() {
    let graph: BTreeMap<String, BTreeSet<String>> = [("a", vec!["b"]), ("b", vec!["c"]), ("c", vec!["a"]), ("d", vec![])]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
        .collect();
    assert_eq!(cycle(&graph), Some(vec!["a".to_string(), "b".into(), "c".into(), "a".into()]));
    assert_eq!(named("use crate::x::{a, b};\nuse super::c;\ncrate::y::z::f()", "r"), ["r/c", "x/a", "x/b", "y/z"].into_iter().map(String::from).collect());
}
