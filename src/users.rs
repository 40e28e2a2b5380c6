//! `veille users`: accounts of the web app and the API.
//!
//! - `veille users add NAME --role curator|analyst|admin|partner`: the password is
//!   read from the terminal without echo (asked twice), or from the first
//!   line of standard input when it is not a terminal (for scripts);
//! - `veille users token NAME`: prints a new API token for scripts
//!   (`Authorization: Bearer <token>`); only its digest is stored;
//! - `veille users list`: the accounts and their roles.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use veille::data::DataDir;
use veille_store::Role;

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create an account; the password is read from the terminal (or from
    /// standard input when it is not a terminal).
    Add {
        /// The account name (letters, digits, `.`, `_`, `-`, `@`).
        name: String,
        /// What the account may do: analysts read, curators also review and
        /// correct, admins also manage accounts; partners (an organisation)
        /// only submit practices and sources, under their name.
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// Print a new API token for an account (shown once; use it as
    /// `Authorization: Bearer <token>`).
    Token { name: String },
    /// List the accounts and their roles.
    List,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Curator,
    Analyst,
    Admin,
    Partner,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Curator => Role::Curator,
            RoleArg::Analyst => Role::Analyst,
            RoleArg::Admin => Role::Admin,
            RoleArg::Partner => Role::Partner,
        }
    }
}

pub fn run(data: &DataDir, command: UsersCommand) -> anyhow::Result<ExitCode> {
    let store = data.open_store()?;
    let mut out = std::io::stdout().lock();
    match command {
        UsersCommand::Add { name, role } => {
            let password = read_password(&name)?;
            let user = store.add_user(&name, role.into(), &password)?;
            writeln!(
                out,
                "added {} ({}): sign in at /login, or make a token with `veille users token {}`",
                user.name,
                user.role.as_str(),
                user.name
            )?;
        }
        UsersCommand::Token { name } => {
            let token = store.new_token(&name)?;
            writeln!(out, "{token}")?;
            if std::io::stderr().is_terminal() {
                eprintln!(
                    "this token is shown once: keep it secret; send it as \
                     `Authorization: Bearer <token>`"
                );
            }
        }
        UsersCommand::List => {
            for user in store.users()? {
                writeln!(
                    out,
                    "{}\t{}\t{}",
                    user.name,
                    user.role.as_str(),
                    user.created_at.format("%Y-%m-%d")
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The new account's password: asked twice on the terminal, without echo,
/// or the first line of standard input when it is not a terminal.
fn read_password(name: &str) -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("password for {name}: "))
            .context("cannot read the password from the terminal")?;
        let again = rpassword::prompt_password("the same password again: ")
            .context("cannot read the password from the terminal")?;
        anyhow::ensure!(
            first == again,
            "the two passwords differ: run `veille users add {name}` again"
        );
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    anyhow::ensure!(
        !password.is_empty(),
        "no password on standard input: give it on the first line, e.g. \
         `printf '%s\\n' \"$PASSWORD\" | veille users add {name} --role ROLE`"
    );
    Ok(password)
}
