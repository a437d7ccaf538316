//! Checks a handler function's shape and generates its registration.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, LitStr, Pat, ReturnType, Type};

use crate::attr::{CommandArgs, EventArgs, Matching};

/// One parameter: its name (for usage lines and capture groups), type, and where it was written.
struct Param {
    ident: syn::Ident,
    name: String,
    ty: Type,
    span: Span,
}

/// Rejects what a handler cannot be: not async, a method, generic, destructured parameters.
fn check_shape(func: &ItemFn, what: &str) -> syn::Result<Vec<Param>> {
    let sig = &func.sig;
    if sig.asyncness.is_none() {
        return Err(syn::Error::new(
            sig.fn_token.span(),
            format!("{what} handlers must be `async fn`: write `async fn {}(...)`", sig.ident),
        ));
    }
    if let Some(c) = &sig.constness {
        return Err(syn::Error::new(c.span(), format!("{what} handlers cannot be `const`")));
    }
    if let Some(abi) = &sig.abi {
        return Err(syn::Error::new(abi.span(), format!("{what} handlers cannot have an ABI")));
    }
    if !sig.generics.params.is_empty() {
        return Err(syn::Error::new(
            sig.generics.span(),
            format!("{what} handlers cannot be generic: the framework must know every parameter's type"),
        ));
    }
    if let Some(v) = &sig.variadic {
        return Err(syn::Error::new(v.span(), format!("{what} handlers cannot be variadic")));
    }
    let mut params = Vec::new();
    for (i, input) in sig.inputs.iter().enumerate() {
        match input {
            FnArg::Receiver(r) => {
                return Err(syn::Error::new(
                    r.span(),
                    format!("{what} handlers are free functions, not methods: remove `self`"),
                ));
            }
            FnArg::Typed(pt) => {
                let (ident, name) = match &*pt.pat {
                    Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => {
                        let name = pi.ident.to_string();
                        (format_ident!("__p{}", i), name.trim_start_matches('_').to_owned())
                    }
                    Pat::Wild(_) => (format_ident!("__p{}", i), format!("arg{i}")),
                    other => {
                        return Err(syn::Error::new(
                            other.span(),
                            "handler parameters must be plain names (`name: Type`), not patterns",
                        ));
                    }
                };
                params.push(Param { ident, name, ty: (*pt.ty).clone(), span: pt.pat.span() });
            }
        }
    }
    Ok(params)
}

/// The doc comment, as help text.
fn doc_text(func: &ItemFn) -> String {
    let mut lines = Vec::new();
    for attr in &func.attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &attr.meta
            && let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = &nv.value
        {
            let v = s.value();
            lines.push(v.strip_prefix(' ').unwrap_or(&v).trim_end().to_owned());
        }
    }
    while lines.first().is_some_and(|l| l.is_empty()) {
        lines.remove(0);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

fn return_type(func: &ItemFn) -> TokenStream {
    match &func.sig.output {
        ReturnType::Default => quote_spanned!(func.sig.ident.span()=> ()),
        ReturnType::Type(_, ty) => quote!(#ty),
    }
}

fn location() -> TokenStream {
    quote! {
        ::core::option::Option::Some(::qqbot::__private::SourceLocation {
            file: ::core::file!(),
            line: ::core::line!(),
            column: ::core::column!(),
        })
    }
}

/// The capture groups of one trigger regex, as typed parameters bind to them.
struct Groups {
    pattern: LitStr,
    named: Vec<String>,
    unnamed: usize,
}

fn groups(pattern: &LitStr) -> syn::Result<Groups> {
    // `attr` already compiled every pattern; this cannot fail but must not panic either.
    let regex = regex::Regex::new(&pattern.value())
        .map_err(|e| syn::Error::new(pattern.span(), format!("invalid regex: {e}")))?;
    let mut named = Vec::new();
    let mut unnamed = 0;
    for name in regex.capture_names().skip(1) {
        match name {
            Some(n) => named.push(n.to_owned()),
            None => unnamed += 1,
        }
    }
    Ok(Groups { pattern: pattern.clone(), named, unnamed })
}

/// A `panic!` in a constant: a compile error carrying `message`, at `span`.
fn const_error(span: Span, message: String) -> TokenStream {
    quote_spanned!(span=> ::core::panic!("{}", #message))
}

/// Compile-time checks of typed arguments that need to know which parameters are typed (asked of the trait
/// system through `TYPED`, so a type alias is classified like the type it names): in a word command, a greedy
/// argument (`Vec<T>`, `Rest`) followed by another typed argument; in a regex command, a typed parameter with no
/// capture group, and a named group no typed parameter takes.
fn typed_checks(fn_name: &syn::Ident, params: &[Param], regexes: &[Groups]) -> TokenStream {
    if params.is_empty() {
        return quote!();
    }
    let count = params.len();
    let mut body = Vec::new();
    if regexes.is_empty() {
        let typed = params.iter().map(|p| {
            let ty = &p.ty;
            quote_spanned!(ty.span()=> <#ty as ::qqbot::__private::HandlerParam<_>>::TYPED)
        });
        let greedy = params.iter().map(|p| {
            let ty = &p.ty;
            quote_spanned!(ty.span()=> <#ty as ::qqbot::__private::HandlerParam<_>>::GREEDY)
        });
        body.push(quote! {
            let __typed: [bool; #count] = [#(#typed),*];
            let __greedy: [bool; #count] = [#(#greedy),*];
        });
        for (i, a) in params.iter().enumerate() {
            for (j, b) in params.iter().enumerate().skip(i + 1) {
                let err = const_error(
                    a.span,
                    format!(
                        "`{}` takes every remaining argument, so the typed argument `{}` after it would never get a value: move `{}` to the end of the parameters",
                        a.name, b.name, a.name
                    ),
                );
                body.push(quote!(if __greedy[#i] && __typed[#j] { #err }));
            }
        }
    } else {
        let typed = params.iter().map(|p| {
            let ty = &p.ty;
            quote_spanned!(ty.span()=> <#ty as ::qqbot::__private::RegexParam<_>>::TYPED)
        });
        body.push(quote!(let __typed: [bool; #count] = [#(#typed),*];));
        for (k, g) in regexes.iter().enumerate() {
            let which = if regexes.len() == 1 {
                format!("the regex `{}`", g.pattern.value())
            } else {
                format!("regex #{} `{}`", k + 1, g.pattern.value())
            };
            let mut steps = Vec::new();
            let unnamed = g.unnamed;
            for (i, p) in params.iter().enumerate() {
                if g.named.contains(&p.name) {
                    steps.push(quote!(if __typed[#i] { __any = true; }));
                } else {
                    let err = const_error(
                        p.span,
                        format!(
                            "`{name}` is a typed argument, but {which} has no capture group left for it: name a group `(?P<{name}>...)`, or add an unnamed group (unnamed groups go to the typed arguments without a group of their name, in order)",
                            name = p.name
                        ),
                    );
                    steps.push(quote! {
                        if __typed[#i] {
                            __any = true;
                            if __next >= #unnamed { #err }
                            __next += 1;
                        }
                    });
                }
            }
            for group in &g.named {
                let takers: Vec<usize> =
                    params.iter().enumerate().filter(|(_, p)| &p.name == group).map(|(i, _)| i).collect();
                let err = const_error(
                    g.pattern.span(),
                    format!(
                        "the group `{group}` of {which} is taken by no typed parameter of `{fn_name}`: add a parameter `{group}: <type>`, or make the group unnamed `(...)` or non-capturing `(?:...)`"
                    ),
                );
                steps.push(quote!(if __any && !(false #(|| __typed[#takers])*) { #err }));
            }
            body.push(quote! {
                {
                    let mut __next = 0usize;
                    let mut __any = false;
                    #(#steps)*
                }
            });
        }
    }
    quote! {
        #[allow(unused, clippy::all)]
        const _: () = {
            #(#body)*
        };
    }
}

pub fn expand_command(args: CommandArgs, func: ItemFn) -> syn::Result<TokenStream> {
    let params = check_shape(&func, "command")?;
    if !args.has_trigger() {
        return Err(syn::Error::new(
            Span::call_site(),
            format!(
                "this command has no trigger: add a word (`#[command(\"{}\")]`) or a pattern (`#[command(regex = \"...\")]`)",
                func.sig.ident
            ),
        ));
    }
    let fn_name = &func.sig.ident;
    let vis = &func.vis;
    let name = args.name.clone().unwrap_or_else(|| LitStr::new(&fn_name.to_string(), fn_name.span()));
    let help = doc_text(&func);
    let words = &args.words;
    let regexes = &args.regex;
    let groups = regexes.iter().map(groups).collect::<syn::Result<Vec<_>>>()?;
    let mut setters = Vec::new();
    if let Some(v) = args.at {
        setters.push(quote!(.at(#v)));
    }
    if let Some((v, _)) = args.admin {
        setters.push(quote!(.admin(#v)));
    }
    if let Some((msg, _)) = &args.admin_error_msg {
        setters.push(quote!(.admin_error_msg(#msg)));
    }
    if let Some(bits) = args.scenes {
        setters.push(quote!(.scenes(::qqbot::__private::Scene::from_bits_retain(#bits))));
    }
    if let Some(v) = args.short_circuit {
        setters.push(quote!(.short_circuit(#v)));
    }
    if let Some((v, _)) = args.custom_short_circuit {
        setters.push(quote!(.custom_short_circuit(#v)));
    }
    if let Some(v) = args.treat {
        setters.push(quote!(.treat(#v)));
    }
    if let Some(path) = &args.on_error {
        setters.push(quote!(.on_error(#path)));
    }
    setters.extend(limit_setters(&args.limits));
    if let Some(v) = args.priority {
        setters.push(quote!(.priority(#v)));
    }
    if let Some(plugin) = &args.plugin {
        setters.push(quote!(.plugin(#plugin)));
    }
    if let Some(leaves) = &args.permission {
        // Each leaf converts on its own, so a function of the wrong shape is reported on its path.
        let parts = leaves.iter().map(|leaf| quote_spanned!(leaf.span()=> ::qqbot::__private::permission(#leaf)));
        setters.push(quote!(.permission(::qqbot::__private::Permission::empty() #(| #parts)*)));
    }
    if let Some(m) = args.matching {
        let m = match m {
            Matching::Prefix => quote!(Prefix),
            Matching::Glued => quote!(Glued),
            Matching::Anywhere => quote!(Anywhere),
        };
        setters.push(quote!(.matching(::qqbot::__private::WordMatch::#m)));
    }

    let ret = return_type(&func);
    let custom = matches!(args.custom_short_circuit, Some((true, _)));
    // The conversion names the trait the return type must implement, with its span on the return type: `bool`
    // is a short-circuit decision, not a reply, so it only converts in a `custom_short_circuit` handler.
    let into_output = if custom {
        quote_spanned!(ret.span()=> ::qqbot::__private::ShortCircuitOutput::into_output(__out))
    } else {
        quote_spanned!(ret.span()=> ::qqbot::__private::IntoReply::into_reply(__out))
    };

    let is_regex = !groups.is_empty();
    let param_trait = if is_regex { quote!(RegexParam) } else { quote!(HandlerParam) };
    let idents: Vec<_> = params.iter().map(|p| &p.ident).collect();
    let count = params.len();
    let specs = params.iter().map(|p| {
        let ty = &p.ty;
        quote_spanned!(ty.span()=> <#ty as ::qqbot::__private::#param_trait<_>>::arg_spec())
    });
    let requirements = params.iter().map(|p| {
        let ty = &p.ty;
        quote_spanned!(ty.span()=> <#ty as ::qqbot::__private::#param_trait<_>>::requirements(&mut __req);)
    });
    let names: Vec<_> = params.iter().map(|p| &p.name).collect();
    let word_count = words.len();
    let location = location();
    let checks = typed_checks(fn_name, &params, &groups);
    let fill = if is_regex {
        let extracts = params.iter().map(|p| {
            let ty = &p.ty;
            let ident = &p.ident;
            let pname = &p.name;
            quote_spanned! {ty.span()=>
                let #ident = <#ty as ::qqbot::__private::RegexParam<_>>::extract(&__ctx, &mut __caps, #pname)?;
            }
        });
        quote! {
            let mut __caps = ::qqbot::__private::CaptureCursor::new(&__ctx);
            #(#extracts)*
        }
    } else {
        let extracts = params.iter().enumerate().map(|(i, p)| {
            let ty = &p.ty;
            let ident = &p.ident;
            let pname = &p.name;
            quote_spanned! {ty.span()=>
                let #ident = <#ty as ::qqbot::__private::HandlerParam<_>>::extract(
                    &__ctx, &mut __args, #pname, __last == ::core::option::Option::Some(#i),
                )?;
            }
        });
        quote! {
            let __specs = Self::__specs();
            let __last = __specs.iter().rposition(::core::option::Option::is_some);
            let mut __args = ::qqbot::__private::ArgCursor::new(::qqbot::__private::args_of(&__ctx));
            #(#extracts)*
            ::qqbot::__private::finish_args(&__args)?;
        }
    };

    // `name::command()` is an associated function of a field-less braced struct named like the function: it
    // lives in the type namespace only, so the function keeps its name, and it resolves the function and the
    // parameter types in the function's own scope, which also works for a function declared inside a function
    // (a module there could not name it).
    Ok(quote! {
        #func

        #checks

        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code)]
        #vis struct #fn_name {}

        #[allow(non_snake_case, clippy::all)]
        impl #fn_name {
            fn __specs() -> [::core::option::Option<::qqbot::__private::ArgSpec>; #count] {
                [#(#specs),*]
            }

            fn __call(
                __ctx: ::qqbot::__private::Ctx,
            ) -> ::qqbot::__private::BoxFuture<
                'static,
                ::core::result::Result<::qqbot::__private::HandlerOutput, ::qqbot::__private::ParamError>,
            > {
                ::std::boxed::Box::pin(async move {
                    let (#(#idents,)*) = {
                        #fill
                        (#(#idents,)*)
                    };
                    let __out: #ret = #fn_name(#(#idents),*).await;
                    ::core::result::Result::Ok(#into_output)
                })
            }

            /// The command's registration object.
            pub fn command() -> ::qqbot::__private::BotCommand {
                let __words: [&'static str; #word_count] = [#(#words),*];
                let mut __cmd = ::qqbot::__private::BotCommand::new(#name)
                    .words(__words)
                    #(.regex(::qqbot::__private::regex(#regexes)))*
                    .help(#help)
                    #(#setters)*
                    .raw_handler(::qqbot::__private::Arc::new(Self::__call));
                let __names: [&'static str; #count] = [#(#names),*];
                __cmd.params = __names
                    .into_iter()
                    .zip(Self::__specs())
                    .filter_map(|(n, s)| s.map(|s| (n, s)))
                    .collect();
                let mut __req = ::std::vec::Vec::new();
                #(#requirements)*
                __cmd.requirements = __req;
                __cmd.location = #location;
                __cmd
            }
        }

        ::qqbot::__private::inventory::submit! {
            ::qqbot::__private::CommandRegistration { build: #fn_name::command }
        }
    })
}

pub fn expand_event(args: EventArgs, func: ItemFn) -> syn::Result<TokenStream> {
    let params = check_shape(&func, "event")?;
    let fn_name = &func.sig.ident;
    let vis = &func.vis;
    let name = args.name.clone().unwrap_or_else(|| LitStr::new(&fn_name.to_string(), fn_name.span()));
    let priority = args.priority.unwrap_or(0);
    let plugin_set = args
        .plugin
        .as_ref()
        .map(|p| quote!(__h.plugin = ::core::option::Option::Some(::std::string::String::from(#p));));
    let ret = return_type(&func);
    let span = ret.span();
    let into_reply = quote_spanned!(span=> ::qqbot::__private::IntoReply::into_reply(__out));
    let idents: Vec<_> = params.iter().map(|p| &p.ident).collect();
    let extracts = params.iter().map(|p| {
        let ty = &p.ty;
        let ident = &p.ident;
        quote_spanned! {ty.span()=>
            let #ident = <#ty as ::qqbot::__private::EventParam<_>>::from_event_ctx(&__ctx)?;
        }
    });
    let requirements = params.iter().map(|p| {
        let ty = &p.ty;
        quote_spanned!(ty.span()=> <#ty as ::qqbot::__private::EventParam<_>>::requirements(&mut __req);)
    });
    let location = location();
    // A braced struct, not a module: see `expand_command`.
    Ok(quote! {
        #func

        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code)]
        #vis struct #fn_name {}

        #[allow(non_snake_case, clippy::all)]
        impl #fn_name {
            fn __call(
                __ctx: ::qqbot::__private::Ctx,
            ) -> ::core::option::Option<::qqbot::__private::BoxFuture<'static, ::qqbot::__private::HandlerOutput>> {
                #(#extracts)*
                ::core::option::Option::Some(::std::boxed::Box::pin(async move {
                    let __out: #ret = #fn_name(#(#idents),*).await;
                    #into_reply
                }))
            }

            /// The event handler's registration object.
            pub fn handler() -> ::qqbot::__private::EventHandler {
                let mut __h = ::qqbot::__private::EventHandler::new(#name, Self::__call);
                __h.priority = #priority;
                #plugin_set
                let mut __req = ::std::vec::Vec::new();
                #(#requirements)*
                __h.requirements = __req;
                __h.location = #location;
                __h
            }
        }

        ::qqbot::__private::inventory::submit! {
            ::qqbot::__private::EventRegistration { build: #fn_name::handler }
        }
    })
}

/// `.cooldown(..)` / `.rate_limit(..)` for the limit keys, sharing scope, message and exemption.
fn limit_setters(limits: &crate::attr::Limits) -> Vec<TokenStream> {
    let mut tail = Vec::new();
    if let Some((scope, _)) = &limits.scope {
        tail.push(quote!(.scope(#scope)));
    }
    if let Some((msg, _)) = &limits.message {
        tail.push(quote!(.message(#msg)));
    }
    if let Some((exempt, _)) = &limits.exempt_superusers {
        tail.push(quote!(.exempt_superusers(#exempt)));
    }
    let mut setters = Vec::new();
    if let Some((secs, _)) = limits.cooldown {
        setters.push(quote! {
            .cooldown(::qqbot::__private::Cooldown::new(::qqbot::__private::Duration::from_secs(#secs)) #(#tail)*)
        });
    }
    if let Some((count, secs)) = limits.rate_limit {
        setters.push(quote! {
            .rate_limit(
                ::qqbot::__private::RateLimit::new(#count, ::qqbot::__private::Duration::from_secs(#secs)) #(#tail)*
            )
        });
    }
    setters
}
