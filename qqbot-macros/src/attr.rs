//! Parsing `#[command(...)]` arguments into a typed struct, with spanned errors.

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Ident, Lit, LitStr, Token};

use crate::scenes;

/// The keys `#[command]` accepts, in the order error messages list them.
pub const COMMAND_KEYS: &[&str] = &[
    "regex",
    "at",
    "admin",
    "admin_error_msg",
    "scenes",
    "short_circuit",
    "custom_short_circuit",
    "treat",
    "priority",
    "name",
    "matching",
    "on_error",
    "plugin",
    "permission",
    "cooldown",
    "cooldown_scope",
    "cooldown_msg",
    "rate_limit",
    "cooldown_exempt_superusers",
];

/// The keys `#[on_event]` accepts.
pub const EVENT_KEYS: &[&str] = &["priority", "name", "plugin"];

/// One item of the attribute: a positional word or `key = value`.
enum Item {
    Word(LitStr),
    Pair(Ident, Expr),
}

impl Parse for Item {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(LitStr) {
            return Ok(Item::Word(input.parse()?));
        }
        if input.peek(Ident) || input.peek(Token![match]) {
            let key: Ident = input.call(syn::ext::IdentExt::parse_any)?;
            input.parse::<Token![=]>().map_err(|e| {
                syn::Error::new(e.span(), format!("expected `=` after `{key}`: write `{key} = <value>`"))
            })?;
            let value: Expr = input.parse()?;
            return Ok(Item::Pair(key, value));
        }
        Err(input.error("expected a trigger word (a string literal such as \"hello\") or `key = value`"))
    }
}

/// How a trigger word matches.
#[derive(Clone, Copy)]
pub enum Matching {
    Prefix,
    Glued,
    Anywhere,
}

/// The parsed `#[command(...)]`.
pub struct CommandArgs {
    pub words: Vec<LitStr>,
    pub regex: Vec<LitStr>,
    pub at: Option<bool>,
    pub admin: Option<(bool, Span)>,
    pub admin_error_msg: Option<(LitStr, Span)>,
    pub scenes: Option<u8>,
    pub short_circuit: Option<bool>,
    pub custom_short_circuit: Option<(bool, Span)>,
    pub treat: Option<bool>,
    pub priority: Option<i32>,
    pub name: Option<LitStr>,
    pub matching: Option<Matching>,
    pub on_error: Option<syn::ExprPath>,
    pub plugin: Option<LitStr>,
    /// The leaves of `permission = a | b | …`, in order.
    pub permission: Option<Vec<Expr>>,
    pub limits: Limits,
}

/// The cooldown and rate-limit keys.
#[derive(Default)]
pub struct Limits {
    /// `cooldown`: seconds, and the literal's span.
    pub cooldown: Option<(u64, Span)>,
    /// `rate_limit`: uses per period (seconds).
    pub rate_limit: Option<(u32, u64)>,
    /// `cooldown_scope`: the `LimitScope` path, and the key's span.
    pub scope: Option<(proc_macro2::TokenStream, Span)>,
    pub message: Option<(LitStr, Span)>,
    pub exempt_superusers: Option<(bool, Span)>,
}

/// The parsed `#[on_event(...)]`.
pub struct EventArgs {
    pub priority: Option<i32>,
    pub name: Option<LitStr>,
    pub plugin: Option<LitStr>,
}

/// The leaves of `a | b | c`: each a path (a role constant or an `async fn(&Ctx) -> bool`).
fn permission_leaves(value: &Expr, out: &mut Vec<Expr>) -> syn::Result<()> {
    match value {
        Expr::Binary(b) if matches!(b.op, syn::BinOp::BitOr(_)) => {
            permission_leaves(&b.left, out)?;
            permission_leaves(&b.right, out)
        }
        Expr::Paren(p) => permission_leaves(&p.expr, out),
        Expr::Path(_) => {
            out.push(value.clone());
            Ok(())
        }
        other => Err(syn::Error::new(
            other.span(),
            "`permission` takes roles and checks joined with `|`: `SUPERUSER | GROUP_ADMIN | my_check`, where `my_check` is an `async fn(&Ctx) -> bool`",
        )),
    }
}

fn plugin_name(key: &Ident, value: &Expr) -> syn::Result<LitStr> {
    let name = lit_str(key, value)?;
    if name.value().trim().is_empty() {
        return Err(syn::Error::new(name.span(), "a plugin name cannot be empty"));
    }
    Ok(name)
}

fn parse_items(tokens: proc_macro2::TokenStream) -> syn::Result<Vec<Item>> {
    let parser = Punctuated::<Item, Token![,]>::parse_terminated;
    Ok(syn::parse::Parser::parse2(parser, tokens)?.into_iter().collect())
}

/// The closest known key, for "did you mean" hints.
pub fn closest<'a>(word: &str, options: &[&'a str]) -> Option<&'a str> {
    let word = word.to_ascii_lowercase();
    options
        .iter()
        .map(|o| (distance(&word, &o.to_ascii_lowercase()), *o))
        .filter(|(d, o)| *d <= (o.len() / 3).max(1) + 1)
        .min_by_key(|(d, _)| *d)
        .map(|(_, o)| o)
}

fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn unknown_key(key: &Ident, keys: &[&str]) -> syn::Error {
    let list = keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
    let hint = closest(&key.to_string(), keys).map(|k| format!(" (did you mean `{k}`?)")).unwrap_or_default();
    syn::Error::new(key.span(), format!("unknown key `{key}`{hint}; expected one of {list}"))
}

fn lit_bool(key: &Ident, value: &Expr) -> syn::Result<bool> {
    match value {
        Expr::Lit(ExprLit { lit: Lit::Bool(b), .. }) => Ok(b.value),
        other => Err(syn::Error::new(other.span(), format!("`{key}` takes `true` or `false`"))),
    }
}

fn lit_str(key: &Ident, value: &Expr) -> syn::Result<LitStr> {
    match value {
        Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => Ok(s.clone()),
        other => Err(syn::Error::new(other.span(), format!("`{key}` takes a string literal, such as \"...\""))),
    }
}

fn lit_int(key: &Ident, value: &Expr) -> syn::Result<i32> {
    let err = || syn::Error::new(value.span(), format!("`{key}` takes an integer, such as `10` or `-1`"));
    match value {
        Expr::Lit(ExprLit { lit: Lit::Int(i), .. }) => i.base10_parse::<i32>().map_err(|_| err()),
        Expr::Unary(syn::ExprUnary { op: syn::UnOp::Neg(_), expr, .. }) => match &**expr {
            Expr::Lit(ExprLit { lit: Lit::Int(i), .. }) => i.base10_parse::<i32>().map(|v| -v).map_err(|_| err()),
            _ => Err(err()),
        },
        _ => Err(err()),
    }
}

fn regex_list(key: &Ident, value: &Expr) -> syn::Result<Vec<LitStr>> {
    let list = match value {
        Expr::Array(arr) => arr.elems.iter().map(|e| lit_str(key, e)).collect::<syn::Result<Vec<_>>>()?,
        other => vec![lit_str(key, other)?],
    };
    if list.is_empty() {
        return Err(syn::Error::new(value.span(), "`regex` needs at least one pattern"));
    }
    for lit in &list {
        if let Err(e) = regex::Regex::new(&lit.value()) {
            return Err(syn::Error::new(lit.span(), format!("invalid regex: {e}")));
        }
    }
    Ok(list)
}

fn matching(key: &Ident, value: &Expr) -> syn::Result<Matching> {
    let text = match value {
        Expr::Path(p) if p.path.get_ident().is_some() => p.path.get_ident().map(|i| i.to_string()).unwrap_or_default(),
        Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => s.value(),
        other => {
            return Err(syn::Error::new(other.span(), format!("`{key}` takes `prefix`, `glued` or `anywhere`")));
        }
    };
    match text.as_str() {
        "prefix" => Ok(Matching::Prefix),
        "glued" => Ok(Matching::Glued),
        "anywhere" => Ok(Matching::Anywhere),
        other => {
            let hint = closest(other, &["prefix", "glued", "anywhere"])
                .map(|k| format!(" (did you mean `{k}`?)"))
                .unwrap_or_default();
            Err(syn::Error::new(
                value.span(),
                format!("unknown matching `{other}`{hint}; expected `prefix`, `glued` or `anywhere`"),
            ))
        }
    }
}

/// Rejects a key given twice, pointing at the second.
fn check_duplicate(seen: &mut Vec<String>, key: &Ident) -> syn::Result<()> {
    let k = key.to_string();
    if seen.contains(&k) {
        return Err(syn::Error::new(key.span(), format!("duplicate key `{k}`: give each key once")));
    }
    seen.push(k);
    Ok(())
}

impl CommandArgs {
    pub fn parse(tokens: proc_macro2::TokenStream) -> syn::Result<Self> {
        let mut args = CommandArgs {
            words: Vec::new(),
            regex: Vec::new(),
            at: None,
            admin: None,
            admin_error_msg: None,
            scenes: None,
            short_circuit: None,
            custom_short_circuit: None,
            treat: None,
            priority: None,
            name: None,
            matching: None,
            on_error: None,
            plugin: None,
            permission: None,
            limits: Limits::default(),
        };
        let mut seen = Vec::new();
        let mut regex_key: Option<Ident> = None;
        for item in parse_items(tokens)? {
            let (key, value) = match item {
                Item::Word(w) => {
                    if w.value().trim().is_empty() {
                        return Err(syn::Error::new(w.span(), "a trigger word cannot be empty"));
                    }
                    args.words.push(w);
                    continue;
                }
                Item::Pair(k, v) => (k, v),
            };
            let key_str = key.to_string();
            if !COMMAND_KEYS.contains(&key_str.as_str()) {
                return Err(unknown_key(&key, COMMAND_KEYS));
            }
            check_duplicate(&mut seen, &key)?;
            match key_str.as_str() {
                "regex" => {
                    args.regex = regex_list(&key, &value)?;
                    regex_key = Some(key.clone());
                }
                "at" => args.at = Some(lit_bool(&key, &value)?),
                "admin" => args.admin = Some((lit_bool(&key, &value)?, key.span())),
                "admin_error_msg" => args.admin_error_msg = Some((lit_str(&key, &value)?, key.span())),
                "scenes" => args.scenes = Some(scenes::parse(&value)?),
                "short_circuit" => args.short_circuit = Some(lit_bool(&key, &value)?),
                "custom_short_circuit" => args.custom_short_circuit = Some((lit_bool(&key, &value)?, key.span())),
                "treat" => args.treat = Some(lit_bool(&key, &value)?),
                "priority" => args.priority = Some(lit_int(&key, &value)?),
                "name" => args.name = Some(lit_str(&key, &value)?),
                "matching" => args.matching = Some(matching(&key, &value)?),
                "plugin" => args.plugin = Some(plugin_name(&key, &value)?),
                "permission" => {
                    let mut leaves = Vec::new();
                    permission_leaves(&value, &mut leaves)?;
                    args.permission = Some(leaves);
                }
                "on_error" => match value {
                    Expr::Path(path) => args.on_error = Some(path),
                    other => {
                        let advice =
                            "`on_error` takes the path of an `async fn(Ctx, CommandError) -> Result<(), CommandError>`";
                        return Err(syn::Error::new(other.span(), advice));
                    }
                },
                "cooldown" => args.limits.cooldown = Some(crate::time::duration(&key, &value)?),
                "rate_limit" => args.limits.rate_limit = Some(crate::time::rate(&key, &value)?),
                "cooldown_scope" => args.limits.scope = Some((crate::time::scope(&key, &value)?, key.span())),
                "cooldown_msg" => args.limits.message = Some((lit_str(&key, &value)?, key.span())),
                "cooldown_exempt_superusers" => {
                    args.limits.exempt_superusers = Some((lit_bool(&key, &value)?, key.span()))
                }
                _ => return Err(unknown_key(&key, COMMAND_KEYS)),
            }
        }
        let l = &args.limits;
        if l.cooldown.is_none() && l.rate_limit.is_none() {
            let stray = [
                l.scope.as_ref().map(|s| ("cooldown_scope", s.1)),
                l.message.as_ref().map(|s| ("cooldown_msg", s.1)),
                l.exempt_superusers.as_ref().map(|s| ("cooldown_exempt_superusers", s.1)),
            ];
            if let Some((key, span)) = stray.into_iter().flatten().next() {
                return Err(syn::Error::new(
                    span,
                    format!(
                        "`{key}` applies to a cooldown or rate limit: add `cooldown = \"30s\"` or `rate_limit = \"5/min\"`"
                    ),
                ));
            }
        }
        if let (Some(key), false) = (&regex_key, args.words.is_empty()) {
            return Err(syn::Error::new(
                key.span(),
                "a command takes trigger words or `regex`, not both: split it into two commands",
            ));
        }
        if let (Some(_), true) = (&args.matching, args.words.is_empty()) {
            return Err(syn::Error::new(
                Span::call_site(),
                "`matching` applies to trigger words, and this command has none",
            ));
        }
        if let Some((_, span)) = &args.admin_error_msg
            && !matches!(args.admin, Some((true, _)))
            && args.permission.is_none()
        {
            return Err(syn::Error::new(
                *span,
                "`admin_error_msg` is only replied to users a check turns away: add `admin = true` or a `permission`",
            ));
        }
        Ok(args)
    }

    pub fn has_trigger(&self) -> bool {
        !self.words.is_empty() || !self.regex.is_empty()
    }
}

impl EventArgs {
    pub fn parse(tokens: proc_macro2::TokenStream) -> syn::Result<Self> {
        let mut args = EventArgs { priority: None, name: None, plugin: None };
        let mut seen = Vec::new();
        for item in parse_items(tokens)? {
            match item {
                Item::Word(w) => {
                    return Err(syn::Error::new(
                        w.span(),
                        "`#[on_event]` takes no trigger words: its parameters' types choose the events",
                    ));
                }
                Item::Pair(key, value) => {
                    check_duplicate(&mut seen, &key)?;
                    match key.to_string().as_str() {
                        "priority" => args.priority = Some(lit_int(&key, &value)?),
                        "name" => args.name = Some(lit_str(&key, &value)?),
                        "plugin" => args.plugin = Some(plugin_name(&key, &value)?),
                        _ => return Err(unknown_key(&key, EVENT_KEYS)),
                    }
                }
            }
        }
        Ok(args)
    }
}
