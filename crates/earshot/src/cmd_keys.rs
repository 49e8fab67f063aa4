//! `earshot keys`: the API keys of `earshot serve`, made, listed and revoked (the use cases are
//! `earshot_app::keys`); arguments and text here.

use crate::ctx::Ctx;
use crate::exit::Exit;
use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use earshot_app::error::FieldStyle;
use earshot_app::keys::{self, KeyRequest, Scope, DEFAULT_BURST, DEFAULT_RATE};

/// Manage API keys. A key's token is shown once, at creation; only its hash is stored.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  earshot keys create --name crm --scope read
  earshot keys create --name importer --scope write --rate 500 --burst 1000
  earshot keys list
  earshot keys revoke 3

Scopes: read (lookups, enrichment, forecasts), write (also ingest events and triage messages),
admin (also manage keys). A revoked key stops working on a running server within 5 seconds.")]
pub struct KeysArgs {
    #[command(subcommand)]
    pub action: KeysAction,
}

#[derive(Subcommand, Debug)]
pub enum KeysAction {
    /// Make a key and print its token (once).
    Create {
        /// What the key is for.
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        scope: ScopeArg,
        /// Requests a second.
        #[arg(long, default_value_t = DEFAULT_RATE)]
        rate: u32,
        /// Requests at once above the rate.
        #[arg(long, default_value_t = DEFAULT_BURST)]
        burst: u32,
    },
    /// List keys (never their tokens).
    List,
    /// Revoke a key by id.
    Revoke { id: i64 },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum ScopeArg {
    Read,
    Write,
    Admin,
}

impl ScopeArg {
    fn scope(self) -> Scope {
        match self {
            ScopeArg::Read => Scope::Read,
            ScopeArg::Write => Scope::Write,
            ScopeArg::Admin => Scope::Admin,
        }
    }
}

pub fn run(cli: &Ctx, args: &KeysArgs) -> Result<Exit> {
    let mut store = cli.create_store()?;
    match &args.action {
        KeysAction::Create {
            name,
            scope,
            rate,
            burst,
        } => {
            let req = KeyRequest {
                name: name.clone(),
                scope: scope.scope(),
                rate_per_sec: *rate,
                burst: *burst,
            };
            let made = keys::create(&mut store, &req, FieldStyle::Flags)?;
            if cli.json {
                println!("{}", serde_json::to_value(&made)?);
            } else {
                earshot_print::keys::created(&mut std::io::stdout().lock(), &made)?;
                if !cli.quiet {
                    eprintln!(
                        "key {} ({}, scope {}) created. The token above is shown only now: store it safely.",
                        made.id,
                        name.trim(),
                        made.scope.as_str()
                    );
                }
            }
        }
        KeysAction::List => {
            let keys = keys::list(&store)?;
            if cli.json {
                println!("{}", serde_json::to_string(&keys)?);
            } else {
                earshot_print::keys::list(&mut std::io::stdout().lock(), &keys)?;
            }
        }
        KeysAction::Revoke { id } => {
            if keys::revoke(&mut store, *id)?.is_none() {
                anyhow::bail!("no active key {id} (see `earshot keys list`)");
            }
            if !cli.quiet {
                eprintln!("key {id} revoked");
            }
        }
    }
    Ok(Exit::Ok)
}
