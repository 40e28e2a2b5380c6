//! Accounts, their API tokens and sessions, and their saved searches.
//!
//! Passwords are kept only as argon2id hashes (the argon2 crate's default
//! parameters, a random salt each); API tokens and session tokens are 32
//! random bytes shown once, kept only as SHA-256 digests and found by
//! digest, so the database never holds a usable secret.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::{params, Row};
use crate::{parse_utc, Result, Store, StoreError};

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// What an account may do. Partners (an organisation's account) only
/// submit practices and sources, unlimited by the per-address rate, under
/// their name; analysts read; curators also review and correct; admins also
/// manage accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Partner,
    Analyst,
    Curator,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Partner => "partner",
            Role::Analyst => "analyst",
            Role::Curator => "curator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "partner" => Some(Role::Partner),
            "analyst" => Some(Role::Analyst),
            "curator" => Some(Role::Curator),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// Whether this role may review and correct items.
    pub fn can_write(self) -> bool {
        self >= Role::Curator
    }

    /// Whether this role may manage accounts.
    pub fn can_admin(self) -> bool {
        self == Role::Admin
    }
}

/// An account (never its password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

/// A search an account saved, with the secret key of its feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedSearch {
    pub id: i64,
    /// The account (or curator) name it belongs to.
    pub owner: String,
    pub name: String,
    /// The query string of `/api/search` (`q=…&lang=…`), without `?`.
    pub query: String,
    /// A random key, so a feed reader can fetch the search's feed without
    /// signing in (`?key=`).
    pub feed_key: String,
    pub created_at: DateTime<Utc>,
}

fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Invalid(format!("cannot hash the password: {e}")))
}

/// A hash to verify against when the account does not exist, so that a
/// wrong name takes as long as a wrong password.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password("no such account, no such password").unwrap_or_default())
}

fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.chars().count() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "account name {:?} is not valid: use 1 to 64 letters, digits, `.`, `_`, `-` or `@`",
            name.chars().take(80).collect::<String>()
        )))
    }
}

fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(StoreError::Invalid(format!(
            "the password is too short: give at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    Ok(())
}

fn read_user(r: &Row) -> Result<User> {
    let role: String = r.get(1)?;
    let Some(role) = Role::parse(&role) else {
        return Err(StoreError::Corrupt(format!("role {role:?}")));
    };
    Ok(User {
        name: r.get(0)?,
        role,
        created_at: parse_utc(r.get(2)?).unwrap_or_default(),
    })
}

fn read_saved(r: &Row) -> Result<SavedSearch> {
    Ok(SavedSearch {
        id: r.get(0)?,
        owner: r.get(1)?,
        name: r.get(2)?,
        query: r.get(3)?,
        feed_key: r.get(4)?,
        created_at: parse_utc(r.get(5)?).unwrap_or_default(),
    })
}

const USER_COLUMNS: &str = "name, role, created_at";

const SAVED_COLUMNS: &str = "id, owner, name, query, feed_key, created_at";

impl Store {
    /// Creates an account; its password is hashed with argon2.
    pub fn add_user(&self, name: &str, role: Role, password: &str) -> Result<User> {
        check_name(name)?;
        check_password(password)?;
        let hash = hash_password(password)?;
        let now = Utc::now();
        let inserted = self.write()?.db().execute(
            "INSERT INTO users (name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(name) DO NOTHING",
            params![name, role.as_str(), hash, now.to_rfc3339()],
        )?;
        if inserted == 0 {
            return Err(StoreError::UserExists(name.to_string()));
        }
        Ok(User {
            name: name.to_string(),
            role,
            created_at: parse_utc(Some(now.to_rfc3339())).unwrap_or(now),
        })
    }

    /// Replaces an account's password.
    pub fn set_password(&self, name: &str, password: &str) -> Result<()> {
        check_password(password)?;
        let hash = hash_password(password)?;
        let n = self.write()?.db().execute(
            "UPDATE users SET password_hash = ?2 WHERE name = ?1",
            params![name, hash],
        )?;
        if n == 0 {
            return Err(StoreError::NoSuchUser(name.to_string()));
        }
        Ok(())
    }

    /// Changes an account's role.
    pub fn set_role(&self, name: &str, role: Role) -> Result<User> {
        // One statement changes the role and returns the account as it
        // now is.
        let conn = self.write()?;
        let row = conn.db().query_opt(
            &format!("UPDATE users SET role = ?2 WHERE name = ?1 RETURNING {USER_COLUMNS}"),
            params![name, role.as_str()],
        )?;
        match row {
            Some(row) => read_user(&row),
            None => Err(StoreError::NoSuchUser(name.to_string())),
        }
    }

    /// The account with this name.
    pub fn user(&self, name: &str) -> Result<Option<User>> {
        let conn = self.read()?;
        let row = conn.db().query_opt(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE name = ?1"),
            params![name],
        )?;
        row.as_ref().map(read_user).transpose()
    }

    /// Every account, by name.
    pub fn users(&self) -> Result<Vec<User>> {
        self.read()?.db().query_map(
            &format!("SELECT {USER_COLUMNS} FROM users ORDER BY name"),
            params![],
            read_user,
        )
    }

    /// Whether any account may write (curator or admin).
    pub fn has_writers(&self) -> Result<bool> {
        let n: i64 = self.read()?.db().value(
            "SELECT count(*) FROM users WHERE role IN ('curator', 'admin')",
            params![],
        )?;
        Ok(n > 0)
    }

    /// The account, if `password` is its password. Takes as long for an
    /// unknown name (argon2 compares in constant time).
    pub fn check_password(&self, name: &str, password: &str) -> Result<Option<User>> {
        // The connection goes back to its pool at the end of this
        // statement, before argon2's slow work.
        let row = self.read()?.db().query_opt(
            &format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE name = ?1"),
            params![name],
        )?;
        let (hash, user) = match row {
            Some(row) => (row.get::<String>(3)?, Some(read_user(&row)?)),
            None => (dummy_hash().to_string(), None),
        };
        let parsed = PasswordHash::new(&hash)
            .map_err(|e| StoreError::Corrupt(format!("password hash of {name:?}: {e}")))?;
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(user.filter(|_| ok))
    }

    /// Makes a new API token for an account and returns it; only its digest
    /// is kept, so it cannot be shown again.
    pub fn new_token(&self, name: &str) -> Result<String> {
        let token = random_secret();
        // Inserted only if the account exists, in one statement, so an
        // account removed meanwhile is a missing account, not a broken
        // reference.
        let inserted = self.write()?.db().execute(
            "INSERT INTO api_tokens (digest, user_name, created_at)
             SELECT CAST(?1 AS TEXT), name, CAST(?3 AS TEXT) FROM users WHERE name = ?2",
            params![digest(&token), name, Utc::now().to_rfc3339()],
        )?;
        if inserted == 0 {
            return Err(StoreError::NoSuchUser(name.to_string()));
        }
        Ok(token)
    }

    /// Revokes every API token of an account; returns how many.
    pub fn revoke_tokens(&self, name: &str) -> Result<usize> {
        self.write()?
            .db()
            .execute("DELETE FROM api_tokens WHERE user_name = ?1", params![name])
    }

    /// The account holding this API token.
    pub fn user_by_token(&self, token: &str) -> Result<Option<User>> {
        let conn = self.read()?;
        let row = conn.db().query_opt(
            "SELECT u.name, u.role, u.created_at FROM api_tokens t
             JOIN users u ON u.name = t.user_name WHERE t.digest = ?1",
            params![digest(token)],
        )?;
        row.as_ref().map(read_user).transpose()
    }

    /// Opens a session for an account, valid for `ttl`; returns its secret
    /// (for a cookie). Forgets expired sessions on the way.
    pub fn new_session(&self, name: &str, ttl: Duration) -> Result<String> {
        let token = random_secret();
        let now = Utc::now();
        let conn = self.write()?;
        let db = conn.db();
        db.execute(
            "DELETE FROM sessions WHERE expires_at < ?1",
            params![now.to_rfc3339()],
        )?;
        db.execute(
            "INSERT INTO sessions (digest, user_name, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![digest(&token), name, now.to_rfc3339(), (now + ttl).to_rfc3339()],
        )?;
        Ok(token)
    }

    /// The account of this session, while it has not expired.
    pub fn session_user(&self, token: &str) -> Result<Option<User>> {
        let conn = self.read()?;
        let row = conn.db().query_opt(
            "SELECT u.name, u.role, u.created_at, s.expires_at FROM sessions s
             JOIN users u ON u.name = s.user_name WHERE s.digest = ?1",
            params![digest(token)],
        )?;
        let Some(row) = row else {
            return Ok(None);
        };
        match parse_utc(row.get(3)?) {
            Some(expires) if expires > Utc::now() => Ok(Some(read_user(&row)?)),
            _ => Ok(None),
        }
    }

    /// Ends a session (nothing happens for an unknown one).
    pub fn end_session(&self, token: &str) -> Result<()> {
        self.write()?.db().execute(
            "DELETE FROM sessions WHERE digest = ?1",
            params![digest(token)],
        )?;
        Ok(())
    }

    /// Saves a search for `owner`. Names are unique per owner.
    pub fn add_saved_search(&self, owner: &str, name: &str, query: &str) -> Result<SavedSearch> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(StoreError::Invalid(
                "saved search name: give 1 to 200 characters".to_string(),
            ));
        }
        let query = query.trim_start_matches('?');
        if query.len() > 4096 {
            return Err(StoreError::Invalid(
                "saved search query: give at most 4096 bytes".to_string(),
            ));
        }
        // One statement: a name taken meanwhile by another writer is a
        // clash here too, and the row comes back as stored.
        let conn = self.write()?;
        let row = conn.db().query_opt(
            &format!(
                "INSERT INTO saved_searches (owner, name, query, feed_key, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(owner, name) DO NOTHING
                 RETURNING {SAVED_COLUMNS}"
            ),
            params![owner, name, query, random_secret(), Utc::now().to_rfc3339()],
        )?;
        match row {
            Some(row) => read_saved(&row),
            None => Err(StoreError::Invalid(format!(
                "you already have a saved search named {name:?}: choose another name or delete it first"
            ))),
        }
    }

    /// The saved search with this id.
    pub fn saved_search(&self, id: i64) -> Result<Option<SavedSearch>> {
        let conn = self.read()?;
        let row = conn.db().query_opt(
            &format!("SELECT {SAVED_COLUMNS} FROM saved_searches WHERE id = ?1"),
            params![id],
        )?;
        row.as_ref().map(read_saved).transpose()
    }

    /// The saved searches of `owner`, by name.
    pub fn saved_searches(&self, owner: &str) -> Result<Vec<SavedSearch>> {
        self.read()?.db().query_map(
            &format!(
                "SELECT {SAVED_COLUMNS} FROM saved_searches WHERE owner = ?1 ORDER BY name, id"
            ),
            params![owner],
            read_saved,
        )
    }

    /// Every saved search, by id.
    pub fn all_saved_searches(&self) -> Result<Vec<SavedSearch>> {
        self.read()?.db().query_map(
            &format!("SELECT {SAVED_COLUMNS} FROM saved_searches ORDER BY id"),
            params![],
            read_saved,
        )
    }

    /// Deletes `owner`'s saved search `id`; false when they have none such.
    pub fn delete_saved_search(&self, owner: &str, id: i64) -> Result<bool> {
        let n = self.write()?.db().execute(
            "DELETE FROM saved_searches WHERE id = ?1 AND owner = ?2",
            params![id, owner],
        )?;
        Ok(n > 0)
    }
}
