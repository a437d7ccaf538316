//! The matcher index: finds the commands a text triggers without looking at every command.
//!
//! Prefix words are found with one hash lookup of the first token; glued and multi-word triggers with one lookup
//! per distinct trigger length; anywhere-words with one Aho-Corasick pass; regexes with one `RegexSet` pass. The
//! cost per message therefore stays flat as commands grow into the thousands.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use aho_corasick::AhoCorasick;
use regex::RegexSet;

use super::bot_command::{BotCommand, WordMatch};
use super::extract::Captures;

/// One command the text triggers.
#[derive(Debug)]
pub(crate) struct Candidate {
    /// Index into the dispatch-ordered command list.
    pub(crate) cmd: u32,
    /// Byte offset in the treated text where its arguments start.
    pub(crate) args_start: usize,
    pub(crate) captures: Option<Captures>,
}

#[derive(Default)]
pub(crate) struct Matcher {
    first_token: HashMap<Box<str>, Vec<u32>>,
    by_prefix: HashMap<Box<str>, Vec<(u32, WordMatch)>>,
    prefix_lens: Vec<usize>,
    anywhere: Option<(AhoCorasick, Vec<u32>)>,
    /// `(command, regex index)` of every trigger regex, in dispatch order.
    regex_owners: Vec<(u32, usize)>,
    /// One `RegexSet` over all of them, built when a message first needs the regex stage.
    regex_set: OnceLock<Option<RegexSet>>,
}

/// The word as matched against the treated text, which has one leading `/` removed.
fn normalize(word: &str) -> &str {
    let w = word.trim();
    w.strip_prefix('/').unwrap_or(w)
}

impl Matcher {
    /// Builds the index over commands already in dispatch order. Regexes are not compiled here: the regex stage
    /// is built and run only when a message reaches it (see [`Candidates`]).
    pub(crate) fn new(commands: &[Arc<BotCommand>]) -> Result<Self, aho_corasick::BuildError> {
        let mut m = Matcher::default();
        let mut anywhere_words = Vec::new();
        let mut anywhere_owner = Vec::new();
        for (i, cmd) in commands.iter().enumerate() {
            let i = i as u32;
            for word in &cmd.words {
                let w = normalize(word);
                if w.is_empty() {
                    continue;
                }
                match cmd.matching {
                    WordMatch::Prefix if !w.contains(char::is_whitespace) => {
                        let list = m.first_token.entry(w.into()).or_default();
                        if !list.contains(&i) {
                            list.push(i);
                        }
                    }
                    WordMatch::Prefix | WordMatch::Glued => {
                        m.by_prefix.entry(w.into()).or_default().push((i, cmd.matching));
                        if !m.prefix_lens.contains(&w.len()) {
                            m.prefix_lens.push(w.len());
                        }
                    }
                    WordMatch::Anywhere => {
                        anywhere_words.push(w.to_owned());
                        anywhere_owner.push(i);
                    }
                }
            }
            m.regex_owners.extend((0..cmd.regex.len()).map(|j| (i, j)));
        }
        m.prefix_lens.sort_unstable();
        if !anywhere_words.is_empty() {
            m.anywhere = Some((AhoCorasick::new(&anywhere_words)?, anywhere_owner));
        }
        Ok(m)
    }

    /// The commands `treated` triggers, in dispatch order, each once. Word triggers are looked up at once; the
    /// regex stage runs only when the walk reaches the first regex command, so a message an earlier command
    /// takes (and short-circuits) never pays for it.
    pub(crate) fn candidates<'a>(&'a self, treated: &'a str, commands: &'a [Arc<BotCommand>]) -> Candidates<'a> {
        let mut out: Vec<Candidate> = Vec::new();
        let token_end = treated.find(char::is_whitespace).unwrap_or(treated.len());
        if token_end > 0
            && let Some(cmds) = self.first_token.get(&treated[..token_end])
        {
            for &c in cmds {
                push(&mut out, c, token_end, None);
            }
        }

        for &len in &self.prefix_lens {
            if len > treated.len() {
                break;
            }
            if !treated.is_char_boundary(len) {
                continue;
            }
            if let Some(cmds) = self.by_prefix.get(&treated[..len]) {
                let at_boundary = treated[len..].chars().next().is_none_or(char::is_whitespace);
                for &(c, mode) in cmds {
                    if mode == WordMatch::Glued || at_boundary {
                        push(&mut out, c, len, None);
                    }
                }
            }
        }

        if let Some((ac, owners)) = &self.anywhere {
            for mat in ac.find_overlapping_iter(treated) {
                push(&mut out, owners[mat.pattern().as_usize()], mat.end(), None);
            }
        }

        // Popped from the end: the lowest command index (first in dispatch order) last.
        out.sort_unstable_by_key(|c| std::cmp::Reverse(c.cmd));
        let regex_from = self.regex_owners.first().map(|&(c, _)| c);
        Candidates { matcher: self, treated, commands, pending: out, regex_from }
    }

    /// Adds the regex commands `treated` triggers to `out` (skipping commands already there).
    fn regex_candidates(&self, treated: &str, commands: &[Arc<BotCommand>], out: &mut Vec<Candidate>) {
        let set = self.regex_set.get_or_init(|| {
            let patterns = self.regex_owners.iter().map(|&(c, j)| commands[c as usize].regex[j].as_str());
            match RegexSet::new(patterns) {
                Ok(set) => Some(set),
                Err(e) => {
                    tracing::warn!("the trigger regexes do not compile as one set ({e}); trying them one by one");
                    None
                }
            }
        });
        let mut try_one = |idx: usize| {
            let (c, j) = self.regex_owners[idx];
            if out.iter().any(|cand| cand.cmd == c) {
                return;
            }
            let Some(regex) = commands[c as usize].regex[j].get() else { return };
            if let Some(caps) = regex.captures(treated) {
                let end = caps.get(0).map_or(0, |m| m.end());
                push(out, c, end, Some(Captures::from_regex(regex, &caps)));
            }
        };
        match set {
            Some(set) if set.is_match(treated) => set.matches(treated).iter().for_each(&mut try_one),
            Some(_) => {}
            None => (0..self.regex_owners.len()).for_each(try_one),
        }
    }
}

fn push(out: &mut Vec<Candidate>, cmd: u32, args_start: usize, captures: Option<Captures>) {
    if !out.iter().any(|c| c.cmd == cmd) {
        out.push(Candidate { cmd, args_start, captures });
    }
}

/// The commands a text triggers, yielded in dispatch order; the regex stage is evaluated on demand.
pub(crate) struct Candidates<'a> {
    matcher: &'a Matcher,
    treated: &'a str,
    commands: &'a [Arc<BotCommand>],
    /// Sorted by descending command index: the next candidate is the last.
    pending: Vec<Candidate>,
    /// The first regex command's index, until the regex stage has run.
    regex_from: Option<u32>,
}

impl Iterator for Candidates<'_> {
    type Item = Candidate;

    fn next(&mut self) -> Option<Candidate> {
        if let Some(first_regex) = self.regex_from
            && self.pending.last().is_none_or(|c| c.cmd > first_regex)
        {
            self.regex_from = None;
            let before = self.pending.len();
            self.matcher.regex_candidates(self.treated, self.commands, &mut self.pending);
            if self.pending.len() > before {
                self.pending.sort_unstable_by_key(|c| std::cmp::Reverse(c.cmd));
            }
        }
        self.pending.pop()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::TriggerRegex;

    fn cmds(list: Vec<BotCommand>) -> Vec<Arc<BotCommand>> {
        list.into_iter().map(Arc::new).collect()
    }

    fn hits(m: &Matcher, c: &[Arc<BotCommand>], text: &str) -> Vec<(u32, usize)> {
        m.candidates(text, c).map(|c| (c.cmd, c.args_start)).collect()
    }

    #[test]
    fn prefix_needs_a_boundary() {
        let c = cmds(vec![BotCommand::new("echo").word("/echo")]);
        let m = Matcher::new(&c).unwrap();
        assert_eq!(hits(&m, &c, "echo hi"), vec![(0, 4)]);
        assert_eq!(hits(&m, &c, "echo\u{3000}hi"), vec![(0, 4)]);
        assert_eq!(hits(&m, &c, "echo"), vec![(0, 4)]);
        assert!(hits(&m, &c, "echoes").is_empty());
        assert!(hits(&m, &c, "say echo").is_empty());
    }

    #[test]
    fn glued_anywhere_multiword_and_regex() {
        let c = cmds(vec![
            BotCommand::new("weather").word("天气").matching(WordMatch::Glued),
            BotCommand::new("hi").word("早上好").matching(WordMatch::Anywhere),
            BotCommand::new("two").word("help me"),
            BotCommand::new("calc").regex(regex::Regex::new(r"(\d+)\+(\d+)").unwrap()),
        ]);
        let m = Matcher::new(&c).unwrap();
        assert_eq!(hits(&m, &c, "天气北京"), vec![(0, "天气".len())]);
        assert_eq!(hits(&m, &c, "大家早上好呀"), vec![(1, "大家早上好".len())]);
        assert_eq!(hits(&m, &c, "help me now"), vec![(2, 7)]);
        assert!(hits(&m, &c, "help menu").is_empty());
        let cands: Vec<_> = m.candidates("算 1+2", &c).collect();
        assert_eq!(cands.len(), 1);
        assert_eq!(cands[0].captures.as_ref().unwrap().get(2), Some("2"));
    }

    #[test]
    fn the_regex_stage_runs_only_when_the_walk_reaches_it() {
        let c = cmds(vec![
            BotCommand::new("echo").word("/echo"),
            BotCommand::new("calc").regex(TriggerRegex::validated(r"^echo (\d+)$")),
        ]);
        let m = Matcher::new(&c).unwrap();
        let mut walk = m.candidates("echo 1", &c);
        assert_eq!(walk.next().map(|c| c.cmd), Some(0));
        assert!(!c[1].regex[0].is_compiled(), "the first candidate needs no regex");
        assert_eq!(walk.next().map(|c| c.cmd), Some(1), "walking on reaches the regex command");
        assert!(c[1].regex[0].is_compiled());
        assert!(walk.next().is_none());
    }

    #[test]
    fn a_regex_command_first_in_dispatch_order_comes_first() {
        // Dispatch order puts a higher-priority regex command before a word command.
        let c = cmds(vec![
            BotCommand::new("any-digit").regex(TriggerRegex::validated(r"\d")),
            BotCommand::new("echo").word("/echo"),
            BotCommand::new("late").regex(TriggerRegex::validated(r"^echo")),
        ]);
        let m = Matcher::new(&c).unwrap();
        assert_eq!(hits(&m, &c, "echo 1"), vec![(0, 6), (1, 4), (2, 4)]);
        assert_eq!(hits(&m, &c, "echo"), vec![(1, 4), (2, 4)]);
        assert!(hits(&m, &c, "nothing").is_empty());
    }
}
