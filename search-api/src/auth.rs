//! Curators and their bearer tokens: parsed once from
//! `VEILLE_CURATOR_TOKENS` (`name=token,...`), checked in constant time on
//! every write.
//!
//! Tokens are kept only as SHA-256 digests, so that comparing a presented
//! token leaks neither its content nor its length, and a `Debug` print of
//! [`Curators`] shows names only.

use sha2::{Digest, Sha256};
use subtle::{ConditionallySelectable, ConstantTimeEq};

/// The curators allowed to review, each with a secret token.
#[derive(Clone, Default)]
pub struct Curators {
    entries: Vec<Curator>,
}

#[derive(Clone)]
struct Curator {
    name: String,
    token_digest: [u8; 32],
}

/// What to tell a client when no curator is configured.
pub const NO_CURATORS_HINT: &str = "reviews are disabled on this server because no curator is \
     configured: set VEILLE_CURATOR_TOKENS=\"name=token,...\" when starting the server";

impl Curators {
    /// Parses `alice=token1,bob=token2`. An empty (or blank) string means no
    /// curators. A bad entry is an error naming the entry by its position and
    /// curator name, never by its token.
    pub fn parse(spec: &str) -> Result<Curators, String> {
        let mut entries: Vec<Curator> = Vec::new();
        for (i, entry) in spec.split(',').enumerate() {
            let n = i + 1;
            let entry = entry.trim();
            if entry.is_empty() {
                continue;
            }
            let Some((name, token)) = entry.split_once('=') else {
                return Err(format!(
                    "curator tokens: entry {n} has no `=`: write each entry as name=token, \
                     separated by commas"
                ));
            };
            let (name, token) = (name.trim(), token.trim());
            if name.is_empty() {
                return Err(format!(
                    "curator tokens: entry {n} has an empty name: write it as name=token"
                ));
            }
            if name.chars().any(char::is_control) {
                return Err(format!(
                    "curator tokens: entry {n} has a name with control characters: write it as \
                     name=token"
                ));
            }
            if token.is_empty() {
                return Err(format!(
                    "curator tokens: entry {n} (curator `{name}`) has an empty token: \
                     write it as {name}=token"
                ));
            }
            if entries.iter().any(|c| c.name == name) {
                return Err(format!(
                    "curator tokens: entry {n}: curator `{name}` is given twice: keep one entry \
                     per curator"
                ));
            }
            let token_digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
            if let Some(other) = entries.iter().find(|c| c.token_digest == token_digest) {
                return Err(format!(
                    "curator tokens: entry {n} (curator `{name}`) has the same token as curator \
                     `{}`: give each curator a token of their own",
                    other.name
                ));
            }
            entries.push(Curator {
                name: name.to_string(),
                token_digest,
            });
        }
        Ok(Curators { entries })
    }

    /// Whether no curator is configured (every write is then refused).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The names of the curators, in the order given.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|c| c.name.as_str())
    }

    /// The name of the curator holding this token. Compares against every
    /// token, in constant time, whatever matches.
    pub fn authenticate(&self, token: &str) -> Option<&str> {
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let mut found = subtle::Choice::from(0);
        let mut index = 0u32;
        for (i, curator) in self.entries.iter().enumerate() {
            let equal = curator.token_digest.ct_eq(&digest);
            index.conditional_assign(&(i as u32), equal);
            found |= equal;
        }
        if bool::from(found) {
            self.entries.get(index as usize).map(|c| c.name.as_str())
        } else {
            None
        }
    }
}

impl std::fmt::Debug for Curators {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Curators")
            .field("names", &self.names().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
