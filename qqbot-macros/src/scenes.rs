//! `scenes = GROUP | C2C`: scene names joined by `|`, checked against the four scenes.

use syn::spanned::Spanned;
use syn::{BinOp, Expr};

use crate::attr::closest;

const SCENES: &[(&str, u8)] = &[("GUILD", 0b0001), ("DM", 0b0010), ("GROUP", 0b0100), ("C2C", 0b1000)];

/// Parses a scene expression into the bits of `qqbot::Scene`.
pub fn parse(expr: &Expr) -> syn::Result<u8> {
    match expr {
        Expr::Binary(bin) if matches!(bin.op, BinOp::BitOr(_)) => Ok(parse(&bin.left)? | parse(&bin.right)?),
        Expr::Paren(p) => parse(&p.expr),
        Expr::Group(g) => parse(&g.expr),
        Expr::Path(p) => {
            let Some(last) = p.path.segments.last() else {
                return Err(syn::Error::new(p.span(), "expected a scene name"));
            };
            let name = last.ident.to_string();
            let upper = name.to_ascii_uppercase();
            match SCENES.iter().find(|(n, _)| *n == name) {
                Some((_, bits)) => Ok(*bits),
                None => {
                    let names: Vec<&str> = SCENES.iter().map(|(n, _)| *n).collect();
                    let hint = if SCENES.iter().any(|(n, _)| *n == upper) {
                        format!(" (scene names are upper case: `{upper}`)")
                    } else {
                        closest(&name, &names).map(|n| format!(" (did you mean `{n}`?)")).unwrap_or_default()
                    };
                    Err(syn::Error::new(
                        last.ident.span(),
                        format!(
                            "unknown scene `{name}`{hint}; expected `GUILD`, `DM`, `GROUP` or `C2C`, joined with `|`"
                        ),
                    ))
                }
            }
        }
        other => Err(syn::Error::new(
            other.span(),
            "expected scene names joined with `|`, such as `GROUP | C2C` (scenes: `GUILD`, `DM`, `GROUP`, `C2C`)",
        )),
    }
}
