//! Time keys checked at compile time: durations (`cooldown = "30s"`, `every = "10m"`), rates
//! (`rate_limit = "5/min"`), limit scopes and cron expressions. The runtime parses the same grammar
//! (`qqbot::command::parse_duration` / `parse_rate`) for commands built by hand; keep the two in step.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Ident, Lit, LitStr};

use crate::attr::closest;

const DURATION_ADVICE: &str = "write a number and a unit (s, m, h, d), such as \"30s\", \"10m\" or \"1m30s\"";
const RATE_ADVICE: &str = "write uses per period, such as \"5/min\", \"1/s\", \"100/h\" or \"1000/day\"";
const SCOPES: &[&str] = &["user", "group", "global"];

fn parse_duration(text: &str) -> Option<u64> {
    let mut total: u64 = 0;
    let mut number: Option<u64> = None;
    let mut parts = 0;
    for c in text.trim().chars() {
        if let Some(d) = c.to_digit(10) {
            number = Some(number.unwrap_or(0).checked_mul(10)?.checked_add(u64::from(d))?);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3_600,
            'd' => 86_400,
            _ => return None,
        };
        total = total.checked_add(number.take()?.checked_mul(unit)?)?;
        parts += 1;
    }
    (number.is_none() && parts > 0 && total > 0).then_some(total)
}

fn parse_rate(text: &str) -> Option<(u32, u64)> {
    let (count, per) = text.trim().split_once('/')?;
    let count: u32 = count.trim().parse().ok()?;
    let secs = match per.trim() {
        "s" | "sec" | "second" => 1,
        "min" | "minute" => 60,
        "h" | "hour" => 3_600,
        "d" | "day" => 86_400,
        _ => return None,
    };
    (count > 0).then_some((count, secs))
}

fn lit_str(key: &Ident, value: &Expr) -> syn::Result<LitStr> {
    match value {
        Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => Ok(s.clone()),
        other => Err(syn::Error::new(other.span(), format!("`{key}` takes a string literal, such as \"30s\""))),
    }
}

/// A duration key: its value in seconds, or an error on the literal.
pub fn duration(key: &Ident, value: &Expr) -> syn::Result<(u64, Span)> {
    let lit = lit_str(key, value)?;
    match parse_duration(&lit.value()) {
        Some(secs) => Ok((secs, lit.span())),
        None => Err(syn::Error::new(
            lit.span(),
            format!("`{key} = \"{}\"` is not a duration: {DURATION_ADVICE}", lit.value()),
        )),
    }
}

/// A rate key: uses per period (seconds), or an error on the literal.
pub fn rate(key: &Ident, value: &Expr) -> syn::Result<(u32, u64)> {
    let lit = lit_str(key, value)?;
    parse_rate(&lit.value()).ok_or_else(|| {
        syn::Error::new(lit.span(), format!("`{key} = \"{}\"` is not a rate: {RATE_ADVICE}", lit.value()))
    })
}

/// A limit scope: `user`, `group` or `global` (bare or quoted), with a did-you-mean on a typo.
pub fn scope(key: &Ident, value: &Expr) -> syn::Result<TokenStream> {
    let text = match value {
        Expr::Path(p) if p.path.get_ident().is_some() => p.path.get_ident().map(|i| i.to_string()).unwrap_or_default(),
        Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => s.value(),
        other => return Err(syn::Error::new(other.span(), format!("`{key}` takes `user`, `group` or `global`"))),
    };
    let variant = match text.as_str() {
        "user" => quote!(User),
        "group" => quote!(Group),
        "global" => quote!(Global),
        other => {
            let hint = closest(other, SCOPES).map(|k| format!(" (did you mean `{k}`?)")).unwrap_or_default();
            return Err(syn::Error::new(
                value.span(),
                format!("unknown {key} `{other}`{hint}; expected `user`, `group` or `global`"),
            ));
        }
    };
    Ok(quote!(::qqbot::__private::LimitScope::#variant))
}

/// A cron expression with seconds (six fields: `sec min hour day month weekday`), checked with the same crate
/// the runtime schedules with.
pub fn cron(key: &Ident, value: &Expr) -> syn::Result<LitStr> {
    let lit = lit_str(key, value)?;
    let pattern = lit.value();
    let fields = pattern.split_whitespace().count();
    if fields != 6 {
        return Err(syn::Error::new(
            lit.span(),
            format!(
                "`{key} = \"{pattern}\"` has {fields} field(s); a job's cron expression has six, seconds first: \
                 \"sec min hour day month weekday\", such as \"0 0 8 * * *\" (every day at 08:00)"
            ),
        ));
    }
    let parser = croner::parser::CronParser::builder().seconds(croner::parser::Seconds::Required).build();
    match parser.parse(&pattern) {
        Ok(_) => Ok(lit),
        Err(e) => Err(syn::Error::new(lit.span(), format!("invalid cron expression \"{pattern}\": {e}"))),
    }
}
