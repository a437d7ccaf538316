//! Procedural macros for qqbot: `#[command]`, `#[on_event]` and `#[job]`.
//!
//! Use them through `qqbot` (`use qqbot::prelude::*;`). The macros stay thin: they check the attribute and the
//! function's shape at compile time, keep the function intact, and emit a plain `BotCommand` / `EventHandler`
//! descriptor plus its registration. Matching, checks and dispatch are ordinary runtime code in `qqbot`.

mod attr;
mod handler;
mod job;
mod scenes;
mod time;

use proc_macro::TokenStream;
use syn::ItemFn;

/// Declares a command. See `qqbot::command` for the keys and rules.
#[proc_macro_attribute]
pub fn command(attr: TokenStream, item: TokenStream) -> TokenStream {
    let func = match syn::parse::<ItemFn>(item) {
        Ok(f) => f,
        Err(e) => {
            return syn::Error::new(e.span(), "`#[command]` goes on an `async fn`").to_compile_error().into();
        }
    };
    match attr::CommandArgs::parse(attr.into()).and_then(|args| handler::expand_command(args, func.clone())) {
        Ok(tokens) => tokens.into(),
        Err(e) => {
            // Keep the function so the only errors shown are the macro's own.
            let mut out = e.to_compile_error();
            out.extend(quote::quote!(#func));
            out.into()
        }
    }
}

/// Declares a handler of non-message events. See `qqbot::on_event`.
#[proc_macro_attribute]
pub fn on_event(attr: TokenStream, item: TokenStream) -> TokenStream {
    let func = match syn::parse::<ItemFn>(item) {
        Ok(f) => f,
        Err(e) => {
            return syn::Error::new(e.span(), "`#[on_event]` goes on an `async fn`").to_compile_error().into();
        }
    };
    match attr::EventArgs::parse(attr.into()).and_then(|args| handler::expand_event(args, func.clone())) {
        Ok(tokens) => tokens.into(),
        Err(e) => {
            let mut out = e.to_compile_error();
            out.extend(quote::quote!(#func));
            out.into()
        }
    }
}

/// Declares a scheduled job. See `qqbot::job` for the keys and rules.
#[proc_macro_attribute]
pub fn job(attr: TokenStream, item: TokenStream) -> TokenStream {
    let func = match syn::parse::<ItemFn>(item) {
        Ok(f) => f,
        Err(e) => {
            return syn::Error::new(e.span(), "`#[job]` goes on an `async fn`").to_compile_error().into();
        }
    };
    match job::expand(attr.into(), func.clone()) {
        Ok(tokens) => tokens.into(),
        Err(e) => {
            let mut out = e.to_compile_error();
            out.extend(quote::quote!(#func));
            out.into()
        }
    }
}
