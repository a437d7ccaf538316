//! Procedural macros for qqbot. Use them through `qqbot` (`use qqbot::prelude::*;`).
use proc_macro::TokenStream;

/// See `qqbot::command`.
#[proc_macro_attribute]
pub fn command(_attr: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// See `qqbot::on_event`.
#[proc_macro_attribute]
pub fn on_event(_attr: TokenStream, item: TokenStream) -> TokenStream {
    item
}
