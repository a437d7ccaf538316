//! Mutations: byte-level (flip, insert, delete, truncate, splice, special tokens) and, for JSON inputs,
//! structural (change a value's type, huge and odd numbers, deep nesting, long and strange strings, unknown keys).

use serde_json::{Map, Number, Value};

/// A small, fast, deterministic generator (SplitMix64): the same seed gives the same inputs on every machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True with probability 1/`n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Texts that break parsers: escapes, CQ syntax, HTML entities, control characters, Unicode edge cases.
const TOKENS: &[&str] = &[
    "\"",
    "\\",
    "\\u0000",
    "\\ud800",
    "\\udfff",
    "\\u00e9",
    "[CQ:",
    "]",
    ",",
    "=",
    "&#91;",
    "&#93;",
    "&#44;",
    "&amp;",
    "{",
    "}",
    "[",
    ":",
    "null",
    "true",
    "-0",
    "1e400",
    "18446744073709551616",
    "NaN",
    "\u{0}",
    "\u{202e}",
    "👍🏽",
    "\u{fffd}",
    "𠀀",
    "\r\n",
    "\t",
    "[CQ:at,qq=all]",
    "[CQ:reply,id=-1]",
    "[CQ:image,file=../../etc/passwd]",
];

/// Numbers at the edges of what decoders handle.
fn odd_number(rng: &mut Rng) -> Value {
    match rng.below(9) {
        0 => Value::Number(Number::from(u64::MAX)),
        1 => Value::Number(Number::from(i64::MIN)),
        2 => Value::Number(Number::from(7_527_129_663_562_465_450u64)),
        3 => Number::from_f64(-0.0).map_or(Value::Null, Value::Number),
        4 => Number::from_f64(1e300).map_or(Value::Null, Value::Number),
        5 => Number::from_f64(0.5).map_or(Value::Null, Value::Number),
        6 => Value::Number(Number::from(0)),
        7 => Value::Number(Number::from(-1)),
        _ => Value::Number(Number::from(rng.next_u64() >> rng.below(64))),
    }
}

fn odd_string(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => String::new(),
        1 => "9".repeat(1 + rng.below(400)),
        2 => rng.pick(TOKENS).repeat(1 + rng.below(64)),
        3 => (0..rng.below(32)).map(|_| *rng.pick(TOKENS)).collect(),
        4 => char::from_u32(rng.below(0x11_0000) as u32).map_or_else(String::new, |c| c.to_string()),
        _ => "x".repeat(rng.below(4096)),
    }
}

/// A value of a random type.
fn odd_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 3 { 4 } else { 6 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.one_in(2)),
        2 => odd_number(rng),
        3 => Value::String(odd_string(rng)),
        4 => Value::Array((0..rng.below(4)).map(|_| odd_value(rng, depth + 1)).collect()),
        _ => {
            let mut m = Map::new();
            for _ in 0..rng.below(4) {
                m.insert(odd_string(rng), odd_value(rng, depth + 1));
            }
            Value::Object(m)
        }
    }
}

/// Every value in `v` (depth-first), for picking one to change.
fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count_nodes).sum(),
        Value::Object(m) => m.values().map(count_nodes).sum(),
        _ => 0,
    }
}

fn nth_node<'a>(v: &'a mut Value, n: &mut usize) -> Option<&'a mut Value> {
    if *n == 0 {
        return Some(v);
    }
    *n -= 1;
    match v {
        Value::Array(a) => a.iter_mut().find_map(|c| nth_node(c, n)),
        Value::Object(m) => m.values_mut().find_map(|c| nth_node(c, n)),
        _ => None,
    }
}

/// Changes one value somewhere in `v`.
fn mutate_value(v: &mut Value, rng: &mut Rng) {
    let mut n = rng.below(count_nodes(v));
    let Some(node) = nth_node(v, &mut n) else { return };
    match rng.below(8) {
        0 => *node = odd_value(rng, 0),
        1 => *node = odd_number(rng),
        2 => *node = Value::String(odd_string(rng)),
        3 => {
            // Deep nesting: decoders must refuse or bound it, never overflow the stack.
            let mut wrapped = std::mem::take(node);
            for _ in 0..rng.below(200) {
                wrapped = Value::Array(vec![wrapped]);
            }
            *node = wrapped;
        }
        4 => {
            if let Value::Object(m) = node {
                m.insert(odd_string(rng), odd_value(rng, 0));
            } else {
                *node = Value::Null;
            }
        }
        5 => {
            if let Value::Object(m) = node {
                if let Some(k) = m.keys().nth(rng.below(m.len().max(1))).cloned() {
                    m.remove(&k);
                }
            } else if let Value::Array(a) = node {
                a.clear();
            }
        }
        6 => {
            // A number as a string, a string as a number: what implementations really do.
            *node = match node {
                Value::Number(n) => Value::String(n.to_string()),
                Value::String(s) => s.parse::<i64>().map_or_else(|_| Value::Bool(true), |i| Value::Number(i.into())),
                Value::Bool(b) => Value::Number(u8::from(*b).into()),
                _ => Value::Array(vec![]),
            }
        }
        _ => {
            if let Value::Array(a) = node {
                let copy = a.clone();
                a.extend(copy.into_iter().take(8));
            } else {
                *node = Value::Array(vec![std::mem::take(node)]);
            }
        }
    }
}

/// Mutates `input` in place (bytes), `rounds` times.
pub fn mutate_bytes(input: &mut Vec<u8>, other: &[u8], rng: &mut Rng, rounds: usize) {
    for _ in 0..rounds {
        let len = input.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                input[i] = rng.next_u64() as u8;
            }
            2 => {
                let at = rng.below(len + 1);
                let token = rng.pick(TOKENS).as_bytes();
                input.splice(at..at, token.iter().copied());
            }
            3 if len > 0 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(16)).min(len);
                input.drain(a..b);
            }
            4 => input.truncate(rng.below(len + 1)),
            5 if !other.is_empty() => {
                // Splice: the head of this input, the tail of another.
                let at = rng.below(len + 1);
                let from = rng.below(other.len());
                input.truncate(at);
                input.extend_from_slice(&other[from..]);
            }
            6 if len > 0 => {
                // Repeat a chunk (lengths, repeated keys).
                let a = rng.below(len);
                let b = (a + 1 + rng.below(64)).min(len);
                let chunk = input[a..b].to_vec();
                for _ in 0..1 + rng.below(8) {
                    input.splice(a..a, chunk.iter().copied());
                }
            }
            _ => {
                let at = rng.below(len + 1);
                input.insert(at, rng.next_u64() as u8);
            }
        }
    }
}

/// One new input from `seed`: structural JSON mutations when `json` and the seed parses, then a few byte-level
/// ones (or only byte-level ones).
pub fn mutate(seed: &[u8], other: &[u8], json: bool, rng: &mut Rng) -> Vec<u8> {
    if json
        && !rng.one_in(4)
        && let Ok(mut v) = serde_json::from_slice::<Value>(seed)
    {
        for _ in 0..1 + rng.below(4) {
            mutate_value(&mut v, rng);
        }
        let mut out = serde_json::to_vec(&v).unwrap_or_default();
        if rng.one_in(3) {
            let rounds = 1 + rng.below(3);
            mutate_bytes(&mut out, other, rng, rounds);
        }
        return out;
    }
    let mut out = seed.to_vec();
    let rounds = 1 + rng.below(8);
    mutate_bytes(&mut out, other, rng, rounds);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_inputs() {
        let seed = br#"{"a":[1,"x",{"b":null}],"c":true}"#;
        let run = |s| {
            let mut rng = Rng::new(s);
            (0..50).map(|_| mutate(seed, b"[1,2]", true, &mut rng)).collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }
}
