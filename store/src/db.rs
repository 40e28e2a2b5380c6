//! One way to speak to either engine: the store's SQL is written once, in
//! SQLite's dialect with numbered parameters (`?1`), and runs on SQLite as
//! written and on PostgreSQL with its parameters renumbered (`$1`,
//! `postgres.rs`). Where the two engines differ (JSON functions, `INSERT OR
//! IGNORE`), the caller asks [`Db::dialect`] and writes each form.
//!
//! Values cross the boundary as [`Value`]s (null, integer, real, text,
//! blob: SQLite's storage classes), so a method reads its columns the same
//! way whichever engine answered. Times are stored as RFC 3339 text on both.

use std::sync::MutexGuard;

use rusqlite::types::{ToSqlOutput, ValueRef};

use crate::postgres::PgConn;
use crate::readers::{Lease, Reader};
use crate::{Result, StoreError};

/// Which engine a store speaks to (SQLite, the default, or PostgreSQL).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A value sent to or read from either engine.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// What can be sent as a parameter.
pub trait ToValue {
    fn to_value(&self) -> Value;
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}
impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
}
impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}
impl ToValue for [u8] {
    fn to_value(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}
impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Blob(self.clone())
    }
}
impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
impl ToValue for f64 {
    fn to_value(&self) -> Value {
        Value::Real(*self)
    }
}
impl ToValue for f32 {
    fn to_value(&self) -> Value {
        Value::Real(f64::from(*self))
    }
}
macro_rules! int_to_value {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value {
                Value::Int(*self as i64)
            }
        }
    )*};
}
int_to_value!(i64, i32, i16, u32, u16, u8, usize, u64);
impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, T::to_value)
    }
}
impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

/// The parameters of one statement: `params![a, b, c]`.
macro_rules! params {
    () => {
        &[] as &[$crate::db::Value]
    };
    ($($x:expr),+ $(,)?) => {
        &[$($crate::db::ToValue::to_value(&$x)),+] as &[$crate::db::Value]
    };
}
pub(crate) use params;

/// What can be read from a column.
pub trait FromValue: Sized {
    /// What the column should hold, for the error when it does not.
    const WHAT: &'static str;
    fn from_value(value: &Value) -> Option<Self>;
}

impl FromValue for Value {
    const WHAT: &'static str = "a value";
    fn from_value(value: &Value) -> Option<Self> {
        Some(value.clone())
    }
}
impl FromValue for String {
    const WHAT: &'static str = "text";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
}
impl FromValue for Vec<u8> {
    const WHAT: &'static str = "a blob";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Blob(b) => Some(b.clone()),
            Value::Text(s) => Some(s.as_bytes().to_vec()),
            _ => None,
        }
    }
}
impl FromValue for f64 {
    const WHAT: &'static str = "a number";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Real(f) => Some(*f),
            Value::Int(i) => Some(*i as f64),
            _ => None,
        }
    }
}
impl FromValue for f32 {
    const WHAT: &'static str = "a number";
    fn from_value(value: &Value) -> Option<Self> {
        f64::from_value(value).map(|f| f as f32)
    }
}
impl FromValue for bool {
    const WHAT: &'static str = "a boolean";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Int(i) => Some(*i != 0),
            _ => None,
        }
    }
}
macro_rules! int_from_value {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            const WHAT: &'static str = "an integer";
            fn from_value(value: &Value) -> Option<Self> {
                match value {
                    Value::Int(i) => <$t>::try_from(*i).ok(),
                    _ => None,
                }
            }
        }
    )*};
}
int_from_value!(i64, i32, u32, u64, usize);
impl<T: FromValue> FromValue for Option<T> {
    const WHAT: &'static str = T::WHAT;
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Null => Some(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// One row of a result.
#[derive(Debug, Clone)]
pub struct Row {
    values: Vec<Value>,
}

impl Row {
    pub(crate) fn new(values: Vec<Value>) -> Row {
        Row { values }
    }

    /// Column `i` (from 0) as a `T`; a column that holds something else is
    /// a corrupt record.
    pub fn get<T: FromValue>(&self, i: usize) -> Result<T> {
        let value = self.values.get(i).unwrap_or(&Value::Null);
        T::from_value(value).ok_or_else(|| {
            StoreError::Corrupt(format!("column {i}: expected {}, found {value:?}", T::WHAT))
        })
    }

    /// Every column, in order.
    pub fn into_values(self) -> Vec<Value> {
        self.values
    }
}

/// A connection to either engine, for the statements of one method.
#[derive(Clone, Copy)]
pub(crate) enum Db<'a> {
    Sqlite(&'a rusqlite::Connection),
    Postgres(&'a PgConn),
}

impl Db<'_> {
    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            Db::Sqlite(_) => Dialect::Sqlite,
            Db::Postgres(_) => Dialect::Postgres,
        }
    }

    /// `sqlite` on SQLite, `postgres` on PostgreSQL: for the few statements
    /// the two dialects write differently.
    pub(crate) fn pick<'s>(&self, sqlite: &'s str, postgres: &'s str) -> &'s str {
        match self.dialect() {
            Dialect::Sqlite => sqlite,
            Dialect::Postgres => postgres,
        }
    }

    /// Runs a statement that returns no rows; the number of rows changed.
    pub(crate) fn execute(&self, sql: &str, params: &[Value]) -> Result<usize> {
        match self {
            Db::Sqlite(conn) => Ok(conn
                .prepare_cached(sql)?
                .execute(rusqlite::params_from_iter(params.iter()))?),
            Db::Postgres(conn) => conn.execute(sql, params),
        }
    }

    /// Calls `f` on each row, in order, without holding them all.
    pub(crate) fn for_each(
        &self,
        sql: &str,
        params: &[Value],
        mut f: impl FnMut(Row) -> Result<()>,
    ) -> Result<()> {
        match self {
            Db::Sqlite(conn) => {
                let mut stmt = conn.prepare_cached(sql)?;
                let n = stmt.column_count();
                let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
                while let Some(row) = rows.next()? {
                    let mut values = Vec::with_capacity(n);
                    for i in 0..n {
                        values.push(Value::from(row.get_ref(i)?));
                    }
                    f(Row::new(values))?;
                }
                Ok(())
            }
            Db::Postgres(conn) => conn.for_each(sql, params, f),
        }
    }

    /// Every row.
    pub(crate) fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        let mut out = Vec::new();
        self.for_each(sql, params, |row| {
            out.push(row);
            Ok(())
        })?;
        Ok(out)
    }

    /// Every row, each read by `read`.
    pub(crate) fn query_map<T>(
        &self,
        sql: &str,
        params: &[Value],
        mut read: impl FnMut(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.for_each(sql, params, |row| {
            out.push(read(&row)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// The first row, if any.
    pub(crate) fn query_opt(&self, sql: &str, params: &[Value]) -> Result<Option<Row>> {
        let mut first = None;
        self.for_each(sql, params, |row| {
            if first.is_none() {
                first = Some(row);
            }
            Ok(())
        })?;
        Ok(first)
    }

    /// The first row; none is an error.
    pub(crate) fn query_one(&self, sql: &str, params: &[Value]) -> Result<Row> {
        self.query_opt(sql, params)?
            .ok_or_else(|| StoreError::Corrupt(format!("no row from {}", first_line(sql))))
    }

    /// The first column of the first row, if any.
    pub(crate) fn value_opt<T: FromValue>(&self, sql: &str, params: &[Value]) -> Result<Option<T>> {
        self.query_opt(sql, params)?.map(|r| r.get(0)).transpose()
    }

    /// The first column of the first row; no row is an error.
    pub(crate) fn value<T: FromValue>(&self, sql: &str, params: &[Value]) -> Result<T> {
        self.query_one(sql, params)?.get(0)
    }

    /// Runs several statements separated by semicolons, with no parameters
    /// (a migration, `BEGIN`, `COMMIT`).
    pub(crate) fn batch(&self, sql: &str) -> Result<()> {
        match self {
            Db::Sqlite(conn) => Ok(conn.execute_batch(sql)?),
            Db::Postgres(conn) => conn.batch(sql),
        }
    }
}

fn first_line(sql: &str) -> &str {
    sql.trim().lines().next().unwrap_or_default()
}

impl From<ValueRef<'_>> for Value {
    fn from(v: ValueRef<'_>) -> Value {
        match v {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Int(i),
            ValueRef::Real(f) => Value::Real(f),
            ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        }
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(*i),
            Value::Real(f) => ValueRef::Real(*f),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

/// A connection held for one method: SQLite's writer or one of its
/// readers, or a PostgreSQL connection from the pool.
pub(crate) enum Conn<'a> {
    Writer(MutexGuard<'a, rusqlite::Connection>),
    Reader(Reader<'a>),
    Postgres(Lease<'a, PgConn>),
}

impl Conn<'_> {
    pub(crate) fn db(&self) -> Db<'_> {
        match self {
            Conn::Writer(conn) => Db::Sqlite(conn),
            Conn::Reader(conn) => Db::Sqlite(conn),
            Conn::Postgres(conn) => Db::Postgres(conn),
        }
    }

    /// The SQLite connection, for what only SQLite does (backups, its
    /// integrity check); `None` on PostgreSQL.
    pub(crate) fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match self {
            Conn::Writer(conn) => Some(conn),
            Conn::Reader(conn) => Some(conn),
            Conn::Postgres(_) => None,
        }
    }
}

/// A transaction on a [`Conn`]: committed by [`Tx::commit`], rolled back
/// when dropped without it (an error, a panic).
pub(crate) struct Tx<'a> {
    conn: Option<Conn<'a>>,
}

impl<'a> Tx<'a> {
    /// Begins a transaction with `begin` (`BEGIN`, or PostgreSQL's
    /// `BEGIN ISOLATION LEVEL …`).
    pub(crate) fn begin(conn: Conn<'a>, begin: &str) -> Result<Tx<'a>> {
        conn.db().batch(begin)?;
        Ok(Tx { conn: Some(conn) })
    }

    pub(crate) fn db(&self) -> Db<'_> {
        self.conn
            .as_ref()
            .expect("a transaction holds its connection until it ends")
            .db()
    }

    pub(crate) fn commit(mut self) -> Result<()> {
        let conn = self.conn.take().expect("a transaction ends once");
        let committed = conn.db().batch("COMMIT");
        if committed.is_err() {
            end(conn);
        }
        committed
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            end(conn);
        }
    }
}

/// Rolls back whatever is open on `conn`; a PostgreSQL connection that
/// cannot is closed rather than given to the next caller mid-transaction.
fn end(conn: Conn<'_>) {
    let rolled_back = conn.db().batch("ROLLBACK");
    match conn {
        Conn::Postgres(lease) if rolled_back.is_err() => lease.discard(),
        _ => {}
    }
}
