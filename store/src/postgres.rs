//! The PostgreSQL engine: its connections, the translation of the store's
//! SQL, and the conversion of [`Value`]s.
//!
//! The store's methods are synchronous, and are called both from plain
//! threads and from inside tokio's workers. tokio-postgres's connections
//! therefore run on a runtime of their own (one thread, started with the
//! first connection), and a method waits for its statements' answers with
//! a plain executor: a future of a tokio-postgres client only sends on a
//! channel to its connection and waits for the reply, so it needs no
//! runtime of its own and blocks its caller as SQLite's calls do.
//!
//! Statements are prepared once per connection and kept.

use std::cell::RefCell;
use std::collections::HashMap;
use std::error::Error;
use std::sync::OnceLock;

use bytes::{BufMut, BytesMut};
use futures_executor::{block_on, block_on_stream};
use tokio_postgres::types::{to_sql_checked, FromSql, IsNull, ToSql, Type};
use tokio_postgres::{Client, NoTls, Statement};

use crate::db::{Row, Value};
use crate::readers::Pool;
use crate::{Result, StoreError};

/// The most connections one store opens to PostgreSQL.
pub const MAX_CONNECTIONS: usize = 16;

/// The runtime the connections' I/O runs on.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("veille-postgres")
            .enable_all()
            .build()
            .expect("the PostgreSQL connections' runtime starts")
    })
}

/// How a store reaches its PostgreSQL database: the URL as configured
/// (`postgres://user@host/db`), its password never shown.
#[derive(Clone)]
pub(crate) struct Target {
    pub config: tokio_postgres::Config,
    pub shown: String,
}

impl Target {
    pub(crate) fn parse(url: &str) -> Result<Target> {
        let config: tokio_postgres::Config = url.parse().map_err(|e| {
            StoreError::Invalid(format!(
                "store url {}: {e} (expected postgres://user:password@host:port/database)",
                redact(url)
            ))
        })?;
        Ok(Target {
            config,
            shown: redact(url),
        })
    }
}

/// `url` with its password replaced by `***`, whether it parses or not
/// (a URL's `user:password@`, or libpq's `password=…`).
pub fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let authority_end = rest.find('/').unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@') {
            if let Some(colon) = rest[..at].find(':') {
                return format!("{scheme}://{}:***{}", &rest[..colon], &rest[at..]);
            }
        }
        return url.to_string();
    }
    url.split_whitespace()
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// One connection, and the statements prepared on it.
pub(crate) struct PgConn {
    client: Client,
    statements: RefCell<HashMap<String, Statement>>,
}

/// A pool of connections to one database.
pub(crate) fn pool(target: Target) -> Pool<PgConn> {
    Pool::with_opener(MAX_CONNECTIONS, move || PgConn::connect(&target))
        .checking(|conn| !conn.client.is_closed())
}

impl PgConn {
    pub(crate) fn connect(target: &Target) -> Result<PgConn> {
        let config = target.config.clone();
        let connecting = runtime().spawn(async move { config.connect(NoTls).await });
        let (client, connection) = block_on(connecting)
            .map_err(|e| StoreError::Invalid(format!("connecting to {}: {e}", target.shown)))?
            .map_err(|e| StoreError::Invalid(format!("cannot connect to {}: {e}", target.shown)))?;
        runtime().spawn(async move {
            if let Err(e) = connection.await {
                tracing::warn!(error = %e, "PostgreSQL connection closed");
            }
        });
        Ok(PgConn {
            client,
            statements: RefCell::new(HashMap::new()),
        })
    }

    fn statement(&self, sql: &str) -> Result<Statement> {
        if let Some(statement) = self.statements.borrow().get(sql) {
            return Ok(statement.clone());
        }
        let statement =
            block_on(self.client.prepare(&to_postgres(sql))).map_err(|e| with_statement(e, sql))?;
        self.statements
            .borrow_mut()
            .insert(sql.to_string(), statement.clone());
        Ok(statement)
    }

    pub(crate) fn execute(&self, sql: &str, params: &[Value]) -> Result<usize> {
        let statement = self.statement(sql)?;
        let args: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        let n = block_on(self.client.execute(&statement, &args))?;
        Ok(n as usize)
    }

    pub(crate) fn for_each(
        &self,
        sql: &str,
        params: &[Value],
        mut f: impl FnMut(Row) -> Result<()>,
    ) -> Result<()> {
        let statement = self.statement(sql)?;
        let stream = block_on(self.client.query_raw(&statement, params.iter()))?;
        for row in block_on_stream(Box::pin(stream)) {
            let row = row?;
            let mut values = Vec::with_capacity(row.len());
            for i in 0..row.len() {
                values.push(row.try_get::<_, Value>(i)?);
            }
            f(Row::new(values))?;
        }
        Ok(())
    }

    pub(crate) fn batch(&self, sql: &str) -> Result<()> {
        Ok(block_on(self.client.batch_execute(sql))?)
    }
}

/// What PostgreSQL said: the server's message, detail and code when it
/// answered (tokio-postgres's own text is only "db error"), else the
/// client's error.
pub(crate) fn message(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut text = format!("{} ({})", db.message(), db.code().code());
            if let Some(detail) = db.detail() {
                text.push_str(": ");
                text.push_str(detail);
            }
            text
        }
        None => e.to_string(),
    }
}

fn with_statement(e: tokio_postgres::Error, sql: &str) -> StoreError {
    StoreError::Invalid(format!(
        "PostgreSQL refused a statement ({}): {}",
        message(&e),
        sql.split_whitespace().collect::<Vec<_>>().join(" ")
    ))
}

/// The store's SQL (SQLite's dialect) for PostgreSQL: `?N` becomes `$N`
/// and a bare `?` the next number, outside quoted text and identifiers.
pub(crate) fn to_postgres(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut quote: Option<char> = None;
    let mut next = 1;
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '?' => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                if digits.is_empty() {
                    digits = next.to_string();
                }
                next = digits.parse::<usize>().unwrap_or(next) + 1;
                out.push('$');
                out.push_str(&digits);
            }
            None => out.push(c),
        }
    }
    out
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn Error + Sync + Send>> {
        match (self, ty) {
            (Value::Null, _) => Ok(IsNull::Yes),
            (Value::Int(i), &Type::INT8) => i.to_sql(ty, out),
            (Value::Int(i), &Type::INT4) => i32::try_from(*i)?.to_sql(ty, out),
            (Value::Int(i), &Type::INT2) => i16::try_from(*i)?.to_sql(ty, out),
            (Value::Int(i), &Type::FLOAT8) => (*i as f64).to_sql(ty, out),
            (Value::Int(i), &Type::FLOAT4) => (*i as f32).to_sql(ty, out),
            (Value::Int(i), &Type::BOOL) => (*i != 0).to_sql(ty, out),
            (Value::Real(f), &Type::FLOAT8) => f.to_sql(ty, out),
            (Value::Real(f), &Type::FLOAT4) => (*f as f32).to_sql(ty, out),
            (Value::Text(s), &Type::JSONB) => {
                out.put_u8(1);
                out.put_slice(s.as_bytes());
                Ok(IsNull::No)
            }
            (Value::Text(s), &Type::JSON) => {
                out.put_slice(s.as_bytes());
                Ok(IsNull::No)
            }
            (Value::Text(s), &Type::INT8) => s.parse::<i64>()?.to_sql(ty, out),
            (Value::Blob(b), &Type::BYTEA) => b.as_slice().to_sql(ty, out),
            (Value::Int(i), _) if <&str as ToSql>::accepts(ty) => {
                i.to_string().as_str().to_sql(ty, out)
            }
            (Value::Real(f), _) if <&str as ToSql>::accepts(ty) => {
                f.to_string().as_str().to_sql(ty, out)
            }
            (Value::Text(s), _) if <&str as ToSql>::accepts(ty) => s.as_str().to_sql(ty, out),
            (value, _) => Err(format!("veille sends no {value:?} as PostgreSQL's {ty}").into()),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

impl<'a> FromSql<'a> for Value {
    fn from_sql(
        ty: &Type,
        raw: &'a [u8],
    ) -> std::result::Result<Value, Box<dyn Error + Sync + Send>> {
        Ok(match *ty {
            Type::BOOL => Value::Int(i64::from(bool::from_sql(ty, raw)?)),
            Type::INT2 => Value::Int(i64::from(i16::from_sql(ty, raw)?)),
            Type::INT4 => Value::Int(i64::from(i32::from_sql(ty, raw)?)),
            Type::INT8 => Value::Int(i64::from_sql(ty, raw)?),
            Type::OID => Value::Int(i64::from(u32::from_sql(ty, raw)?)),
            Type::FLOAT4 => Value::Real(f64::from(f32::from_sql(ty, raw)?)),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            Type::BYTEA => Value::Blob(raw.to_vec()),
            Type::JSONB => Value::Text(String::from_utf8(
                raw.get(1..).unwrap_or_default().to_vec(),
            )?),
            Type::JSON => Value::Text(String::from_utf8(raw.to_vec())?),
            _ if <&str as FromSql>::accepts(ty) => {
                Value::Text(<&str>::from_sql(ty, raw)?.to_string())
            }
            _ => {
                return Err(
                    format!("veille reads no PostgreSQL {ty} (cast it in the query)").into(),
                )
            }
        })
    }

    fn from_sql_null(_: &Type) -> std::result::Result<Value, Box<dyn Error + Sync + Send>> {
        Ok(Value::Null)
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_renumbered_outside_quotes() {
        assert_eq!(
            to_postgres("SELECT a FROM t WHERE b = ?1 AND c = '?2' AND d = ?12"),
            "SELECT a FROM t WHERE b = $1 AND c = '?2' AND d = $12"
        );
        assert_eq!(
            to_postgres("VALUES (?, ?, \"x?\")"),
            "VALUES ($1, $2, \"x?\")"
        );
    }

    #[test]
    fn a_password_is_never_shown() {
        assert_eq!(
            redact("postgres://veille:secret@127.0.0.1:5432/veille"),
            "postgres://veille:***@127.0.0.1:5432/veille"
        );
        assert_eq!(
            redact("host=127.0.0.1 user=veille password=secret"),
            "host=127.0.0.1 user=veille password=***"
        );
        assert!(Target::parse("postgres://veille:secret@[::1/x")
            .err()
            .is_some_and(|e| !e.to_string().contains("secret")));
    }
}
