//! A PostgreSQL server of its own for tests: a cluster in a temporary
//! directory, listening on 127.0.0.1, started once per test process and
//! stopped when the process ends (a watcher stops it and removes its files,
//! whatever way the process ended).
//!
//! When PostgreSQL is not installed, [`postgres_store`] says so on standard
//! error and returns `None`, so a test's PostgreSQL half is skipped loudly;
//! with `VEILLE_REQUIRE_POSTGRES=1` (as CI sets) it panics instead. The
//! server's programs are looked for in `VEILLE_PG_BIN`, then in Debian's
//! `/usr/lib/postgresql/*/bin`, then on `PATH`. As root, they run as the
//! `postgres` user, which PostgreSQL requires.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use crate::postgres::{PgConn, Target};
use crate::Store;

/// A running test cluster.
pub struct Cluster {
    /// Its directory (data, socket, log).
    pub dir: PathBuf,
    pub port: u16,
    bin: PathBuf,
    /// Outlives this process on purpose: it stops the server after it.
    _watcher: std::process::Child,
}

impl Cluster {
    /// The URL of database `database` on this cluster.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://veille@127.0.0.1:{}/{database}", self.port)
    }

    /// Creates database `name` (empty) and returns its URL.
    pub fn create_database(&self, name: &str) -> String {
        let output = self
            .command("psql")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "veille",
            ])
            .args(["-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c"])
            .arg(format!("CREATE DATABASE \"{name}\""))
            .output()
            .expect("psql runs");
        assert!(
            output.status.success(),
            "CREATE DATABASE {name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        self.url(name)
    }

    fn command(&self, program: &str) -> Command {
        as_server_user(&self.bin.join(program))
    }
}

/// The test cluster of this process, started on first use; `None` (said
/// on standard error) when PostgreSQL is not installed.
pub fn cluster() -> Option<&'static Cluster> {
    static CLUSTER: OnceLock<Option<Cluster>> = OnceLock::new();
    CLUSTER
        .get_or_init(|| match find_bin() {
            None => {
                let message = "PostgreSQL is not installed (no initdb in VEILLE_PG_BIN, \
                     /usr/lib/postgresql/*/bin or PATH): the PostgreSQL tests are SKIPPED. \
                     Install Debian's postgresql package to run them.";
                if std::env::var("VEILLE_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                    panic!("{message} (VEILLE_REQUIRE_POSTGRES=1)");
                }
                eprintln!("SKIPPED: {message}");
                None
            }
            Some(bin) => Some(start(bin)),
        })
        .as_ref()
}

/// A fresh, empty store on the test cluster: a schema of its own in the
/// cluster's `veille` database. `None` when PostgreSQL is not installed.
pub fn postgres_store() -> Option<Store> {
    let url = postgres_url()?;
    Some(Store::open_postgres(&url).expect("a fresh PostgreSQL store opens"))
}

/// The URL of a fresh, empty schema on the test cluster (its tables are
/// created when a store first opens it).
pub fn postgres_url() -> Option<String> {
    static DATABASE: OnceLock<String> = OnceLock::new();
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let cluster = cluster()?;
    let base = DATABASE.get_or_init(|| cluster.create_database("veille"));
    let schema = format!(
        "t{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let target = Target::parse(base).expect("the test database's URL parses");
    PgConn::connect(&target)
        .and_then(|conn| conn.batch(&format!("CREATE SCHEMA {schema}")))
        .expect("a test schema is created");
    Some(format!("{base}?options=-csearch_path%3D{schema}"))
}

fn find_bin() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("VEILLE_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    debian.sort();
    if let Some(bin) = debian.pop() {
        return Some(bin);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .find(|dir| dir.join("initdb").exists() && dir.join("pg_ctl").exists())
}

/// Whether this process runs as root (asked once).
fn is_root() -> bool {
    static ROOT: OnceLock<bool> = OnceLock::new();
    *ROOT.get_or_init(|| {
        Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
    })
}

/// `program`, run as the `postgres` user when this process is root.
fn as_server_user(program: &Path) -> Command {
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// Removes the clusters' directories of test processes that have ended
/// without their watcher (killed before it started).
fn remove_ended() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix("veille-pg-")) else {
            continue;
        };
        if Path::new("/proc/self").exists() && !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn start(bin: PathBuf) -> Cluster {
    remove_ended();
    let dir = std::env::temp_dir().join(format!("veille-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the cluster's directory is created");
    if is_root() {
        let chown = Command::new("chown")
            .args(["-R", "postgres"])
            .arg(&dir)
            .status();
        assert!(
            chown.is_ok_and(|s| s.success()),
            "chown postgres {}",
            dir.display()
        );
    }
    let data = dir.join("data");
    let run = |mut command: Command, what: &str| {
        let output = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(
            output.status.success(),
            "{what}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let mut initdb = as_server_user(&bin.join("initdb"));
    initdb
        .arg("-D")
        .arg(&data)
        .args(["-U", "veille", "--auth=trust", "-E", "UTF8", "--no-sync"])
        .args(["--locale=C"]);
    run(initdb, "initdb");
    let port = free_port();
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off \
         -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
        dir.display()
    );
    let mut pg_ctl = as_server_user(&bin.join("pg_ctl"));
    pg_ctl
        .arg("-D")
        .arg(&data)
        .arg("-l")
        .arg(dir.join("log"))
        .args(["-o", &options, "-w", "start"])
        .stdout(Stdio::null());
    run(pg_ctl, "pg_ctl start");
    // Stops the server and removes its files once this process is gone.
    let stop = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; \
         {prefix}{pg_ctl} -D {data} -m immediate stop >/dev/null 2>&1; rm -rf {dir}",
        pid = std::process::id(),
        prefix = if is_root() {
            "runuser -u postgres -- "
        } else {
            ""
        },
        pg_ctl = bin.join("pg_ctl").display(),
        data = data.display(),
        dir = dir.display(),
    );
    let watcher = Command::new("sh")
        .args(["-c", &stop])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the cluster's watcher starts");
    Cluster {
        dir,
        port,
        bin,
        _watcher: watcher,
    }
}
