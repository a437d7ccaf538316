//! `#[job(cron = "…")]` / `#[job(every = "…")]`: checks the schedule and the function, and registers a `Job`.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Ident, ItemFn, Lit, LitStr, ReturnType};

use crate::attr::closest;

/// The keys `#[job]` accepts.
const JOB_KEYS: &[&str] = &["cron", "every", "name", "plugin"];

enum When {
    Cron(LitStr),
    Every(u64),
}

struct JobArgs {
    when: Option<(When, Ident)>,
    name: Option<LitStr>,
    plugin: Option<LitStr>,
}

fn lit_str(key: &Ident, value: &Expr) -> syn::Result<LitStr> {
    match value {
        Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => Ok(s.clone()),
        other => Err(syn::Error::new(other.span(), format!("`{key}` takes a string literal, such as \"...\""))),
    }
}

impl JobArgs {
    fn parse(tokens: TokenStream) -> syn::Result<Self> {
        let parser = syn::punctuated::Punctuated::<syn::MetaNameValue, syn::Token![,]>::parse_terminated;
        let pairs = syn::parse::Parser::parse2(parser, tokens).map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected `key = value` pairs, such as `cron = \"0 0 8 * * *\"` or `every = \"10m\"`",
            )
        })?;
        let mut args = JobArgs { when: None, name: None, plugin: None };
        let mut seen: Vec<String> = Vec::new();
        for pair in pairs {
            let Some(key) = pair.path.get_ident().cloned() else {
                return Err(syn::Error::new(
                    pair.path.span(),
                    "expected a key such as `cron`, `every`, `name` or `plugin`",
                ));
            };
            let k = key.to_string();
            if !JOB_KEYS.contains(&k.as_str()) {
                let list = JOB_KEYS.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
                let hint = closest(&k, JOB_KEYS).map(|c| format!(" (did you mean `{c}`?)")).unwrap_or_default();
                return Err(syn::Error::new(key.span(), format!("unknown key `{k}`{hint}; expected one of {list}")));
            }
            if seen.contains(&k) {
                return Err(syn::Error::new(key.span(), format!("duplicate key `{k}`: give each key once")));
            }
            seen.push(k.clone());
            match k.as_str() {
                "cron" | "every" => {
                    if let Some((_, first)) = &args.when {
                        return Err(syn::Error::new(
                            key.span(),
                            format!("a job takes `cron` or `every`, not both (`{first}` is already given)"),
                        ));
                    }
                    let when = if k == "cron" {
                        When::Cron(crate::time::cron(&key, &pair.value)?)
                    } else {
                        When::Every(crate::time::duration(&key, &pair.value)?.0)
                    };
                    args.when = Some((when, key));
                }
                "name" => args.name = Some(lit_str(&key, &pair.value)?),
                _ => args.plugin = Some(lit_str(&key, &pair.value)?),
            }
        }
        Ok(args)
    }
}

pub fn expand(attr: TokenStream, func: ItemFn) -> syn::Result<TokenStream> {
    let args = JobArgs::parse(attr)?;
    let sig = &func.sig;
    let fn_name = &sig.ident;
    let Some((when, _)) = args.when else {
        return Err(syn::Error::new(
            Span::call_site(),
            "a job needs a schedule: `#[job(cron = \"0 0 8 * * *\")]` (seconds first) or `#[job(every = \"10m\")]`",
        ));
    };
    if sig.asyncness.is_none() {
        return Err(syn::Error::new(
            sig.fn_token.span(),
            format!("jobs must be `async fn`: write `async fn {fn_name}(ctx: JobCtx)`"),
        ));
    }
    if !sig.generics.params.is_empty() {
        return Err(syn::Error::new(sig.generics.span(), "jobs cannot be generic"));
    }
    if sig.inputs.len() > 1 {
        return Err(syn::Error::new(sig.inputs.span(), "a job takes one parameter, `ctx: JobCtx`, or none"));
    }
    let call = match sig.inputs.first() {
        None => quote!(#fn_name()),
        Some(syn::FnArg::Typed(pt)) => {
            let ty = &pt.ty;
            // The parameter must be a `JobCtx`: a spanned assertion puts the error on its type.
            quote_spanned!(ty.span()=> #fn_name({ let __c: #ty = __ctx; __c }))
        }
        Some(syn::FnArg::Receiver(r)) => {
            return Err(syn::Error::new(r.span(), "jobs are free functions, not methods: remove `self`"));
        }
    };
    let ret_check = match &sig.output {
        ReturnType::Default => quote!(),
        ReturnType::Type(_, ty) => quote_spanned! {ty.span()=>
            const _: fn() = || {
                fn __job_returns<T: ::qqbot::__private::IntoJobResult>() {}
                __job_returns::<#ty>();
            };
        },
    };
    let vis = &func.vis;
    let name = args.name.unwrap_or_else(|| LitStr::new(&fn_name.to_string(), fn_name.span()));
    let schedule = match when {
        When::Cron(expr) => quote! {
            match ::qqbot::__private::Schedule::cron(#expr) {
                ::core::result::Result::Ok(s) => s,
                // The macro parsed the expression with the same crate; this arm is unreachable in practice.
                ::core::result::Result::Err(e) => ::core::panic!("{e}"),
            }
        },
        When::Every(secs) => {
            quote!(::qqbot::__private::Schedule::Every(::qqbot::__private::Duration::from_secs(#secs)))
        }
    };
    let plugin = args.plugin.map(|p| quote!(.plugin(#p)));
    Ok(quote! {
        #func

        #ret_check

        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code)]
        #vis struct #fn_name {}

        #[allow(non_snake_case, clippy::all)]
        impl #fn_name {
            /// The job's registration object.
            pub fn job() -> ::qqbot::__private::Job {
                let mut __job = ::qqbot::__private::Job::new(#name, #schedule)
                    .handler(|__ctx: ::qqbot::__private::JobCtx| async move { #call.await })
                    #plugin;
                __job.location = ::core::option::Option::Some(::qqbot::__private::SourceLocation {
                    file: ::core::file!(),
                    line: ::core::line!(),
                    column: ::core::column!(),
                });
                __job
            }
        }

        ::qqbot::__private::inventory::submit! {
            ::qqbot::__private::JobRegistration { build: #fn_name::job }
        }
    })
}
