//! One function per command. Each loads what it needs (config, store, index)
//! and calls the library; errors go back to `main` as `anyhow` chains.

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, RwLock};

use anyhow::Context;
use chrono::Utc;
use veille::data::DataDir;
use veille::pipeline::Pipeline;
use veille::progress::Progress;
use veille_crawler::config::{Config, Source};
use veille_crawler::Crawler;
use veille_indexer::index::IndexError;
use veille_search_api::{ApiState, Curators, SourceInfo};

use crate::{Cli, Command, SourcesCommand};

pub fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    let data = DataDir::new(&cli.data).with_store_url(store_url(&cli.config)?);
    if matches!(
        cli.command,
        Command::Crawl { .. } | Command::Extract { .. } | Command::Eval { .. }
    ) {
        // Classify with the data directory's newest candidate model.
        veille::models::install_newest(&data);
    }
    match cli.command {
        Command::Run {
            role: crate::Role::Crawler,
        } => runtime()?.block_on(crawl_worker(&cli.config, &data)),
        Command::Run { role } => runtime()?.block_on(run(
            &cli.config,
            &data,
            cli.listen,
            role == crate::Role::All,
        )),
        Command::Serve => runtime()?.block_on(run(&cli.config, &data, cli.listen, false)),
        Command::Crawl { once: _, sources } => {
            runtime()?.block_on(crawl_once(&cli.config, &data, &sources, cli.quiet))
        }
        Command::Search {
            query,
            lang,
            limit,
            json,
        } => search(&data, query, lang, limit, json),
        Command::Sources {
            command: SourcesCommand::Check { probe },
        } => {
            let code = sources_check(&cli.config, &data)?;
            if !probe || code != ExitCode::SUCCESS {
                return Ok(code);
            }
            let config = load_config(&cli.config)?;
            let enabled = config.enabled_sources().count();
            let progress = Progress::new(enabled as u64, "sources", cli.quiet);
            let rows = runtime()?.block_on(veille::sources::probe(&config, &progress))?;
            println!();
            veille::sources::print_probe(&rows, std::io::stdout().lock())?;
            Ok(if rows.iter().any(|r| r.error.is_some()) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Sources {
            command: SourcesCommand::Status,
        } => veille::sources::status(&load_config(&cli.config)?, &data),
        Command::Sources {
            command: SourcesCommand::Suggestions,
        } => veille::sources::suggestions(&load_config(&cli.config)?, &data),
        Command::Sources {
            command:
                SourcesCommand::Add {
                    url,
                    id,
                    country,
                    city,
                    network,
                    schedule,
                    yes,
                },
        } => {
            let config = load_config(&cli.config)?;
            let options = veille::sources::AddOptions {
                id,
                country,
                city,
                network,
                schedule,
                yes,
            };
            runtime()?.block_on(veille::sources::add(&cli.config, &config, &url, &options))
        }
        Command::Sources {
            command: SourcesCommand::ImportOpml { file, skip_invalid },
        } => veille::sources::import_opml(
            &cli.config,
            &load_config(&cli.config)?,
            &file,
            skip_invalid,
        ),
        Command::Sources {
            command: SourcesCommand::ExportOpml,
        } => {
            let opml = veille_crawler::opml::export(&load_config(&cli.config)?);
            std::io::stdout().lock().write_all(opml.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Reindex => reindex(&data),
        Command::Backup { path } => veille::maintenance::backup(&data, &path),
        Command::Restore { path } => veille::maintenance::restore(&data, &path),
        Command::Verify { json } => veille::maintenance::verify(&data, json),
        Command::Migrate {
            to: crate::MigrateTarget::Postgres,
            url,
        } => veille::maintenance::migrate_to_postgres(&data, url, cli.quiet),
        Command::Extract {
            text,
            url,
            manifest,
            files,
        } => extract(text, url, manifest, files),
        Command::Users { command } => crate::users::run(&data, command),
        Command::Kits { command } => crate::kits::run(&data, cli.listen, command),
        Command::Eval { command } => crate::eval::run(&data, command),
        Command::Train(args) => crate::train::train(&data, args),
        Command::Corpus { command } => crate::train::corpus(command),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

fn load_config(path: &Path) -> anyhow::Result<Config> {
    veille_crawler::config::load(path).map_err(|errors| {
        anyhow::anyhow!(
            "{} has {} problem(s):\n{errors}",
            path.display(),
            errors.0.len()
        )
    })
}

fn source_infos(config: &Config) -> Vec<SourceInfo> {
    config
        .sources
        .iter()
        .map(|s| SourceInfo {
            id: s.id.clone(),
            name: s.name.clone(),
            url: s.url.to_string(),
            kind: s.kind.to_string(),
            enabled: s.enabled,
            schedule: s.schedule_expr.clone(),
            country: s.country.clone(),
            languages: s.languages.clone(),
            network: s.network.clone(),
        })
        .collect()
}

fn curators(store: &veille_store::Store) -> anyhow::Result<Curators> {
    let spec = std::env::var("VEILLE_CURATOR_TOKENS").unwrap_or_default();
    let curators =
        Curators::parse(&spec).map_err(|e| anyhow::anyhow!("VEILLE_CURATOR_TOKENS: {e}"))?;
    if curators.is_empty() && !store.has_writers()? {
        tracing::warn!(
            "no curator account and no curator token: reviews are refused; add one with \
             `veille users add NAME --role curator` or set VEILLE_CURATOR_TOKENS=\"name=token,...\""
        );
    }
    Ok(curators)
}

async fn shutdown_signal() {
    if let Err(e) = tokio::signal::ctrl_c().await {
        tracing::error!(cause = %e, "cannot listen for Ctrl-C");
        std::future::pending::<()>().await;
    }
    tracing::info!("shutting down");
}

/// Where the store is: `VEILLE_STORE_URL` when set (a password kept out
/// of the list), else `[store] url` in the list, else the data directory's
/// SQLite file (`None`).
fn store_url(config: &Path) -> anyhow::Result<Option<String>> {
    if let Some(url) = std::env::var("VEILLE_STORE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        veille_crawler::config::check_store_url(&url)
            .map_err(|e| anyhow::anyhow!("VEILLE_STORE_URL: {e}"))?;
        return Ok(Some(url));
    }
    veille_crawler::config::store_url(config).map_err(anyhow::Error::msg)
}

/// `veille run` (with the scheduler) and `veille serve` (without).
async fn run(
    config_path: &Path,
    data: &DataDir,
    listen: std::net::SocketAddr,
    schedule: bool,
) -> anyhow::Result<ExitCode> {
    let config = load_config(config_path)?;
    let store = data.open_store()?;
    let index = data.open_index(&store)?;
    // What the first searches would wait for (the counts' tables, the
    // searched fields and their files) prepared before they come.
    let counted = index.index().clone();
    tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        match counted.prepare_searches() {
            Ok(()) => tracing::info!(
                ms = started.elapsed().as_millis() as u64,
                "the index's counts are ready"
            ),
            Err(e) => tracing::warn!(error = %e, "cannot prepare the index for searches"),
        }
    });
    // Other processes' changes too: API nodes and workers on one
    // PostgreSQL store, a command beside this one.
    index
        .follow_store(store.clone(), veille_indexer::sync::DEFAULT_FOLLOW)
        .context("cannot start following the store")?;
    // The newest candidate model, and any newer one `veille train` writes
    // (it rescored the store: the index is told to follow).
    let model = veille::models::install_newest(data);
    let told = index.clone();
    let watcher = tokio::spawn(veille::models::watch(data.clone(), model, move || {
        told.changed()
    }));
    let state = ApiState {
        store: store.clone(),
        index: index.index().clone(),
        writer: index.clone(),
        curators: Arc::new(curators(&store)?),
        sources: Arc::new(RwLock::new(source_infos(&config))),
        sources_file: Some(config_path.to_path_buf()),
        access: Arc::new(veille_search_api::Access::new(
            veille_search_api::AccessConfig {
                // A submitted URL follows the crawler's own rule.
                allow_private_urls: config.crawler.allow_private_networks,
                ..veille_search_api::AccessConfig::from_env().map_err(|e| anyhow::anyhow!("{e}"))?
            },
        )),
    };
    let api_state = state.clone();
    // Each crate counts its own work; the API writes the counts out.
    veille_search_api::metrics::expose("crawler", veille_crawler::metrics::write);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    tracing::info!(address = %listener.local_addr()?, "API listening");

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut api_stop = stop_rx.clone();
    let api = tokio::spawn(veille_search_api::serve(listener, api_state, async move {
        let _ = api_stop.wait_for(|stop| *stop).await;
    }));
    let scheduler = if schedule {
        let crawler = Crawler::new(&config.crawler, store.clone())?;
        let pipeline = Pipeline {
            store,
            index: Some(index.clone()),
            crawler,
        };
        let api_sources = state.sources.clone();
        let sources = veille::scheduler::SourceList {
            path: config_path.to_path_buf(),
            initial: config.clone(),
            on_reload: Box::new(move |config: &Config| {
                let infos = source_infos(config);
                *api_sources.write().unwrap_or_else(|p| p.into_inner()) = infos;
            }),
        };
        // Other workers may share a PostgreSQL store: claim each due source.
        let leasing = match pipeline.store.dialect() {
            veille_store::Dialect::Postgres => Some(leasing()?),
            veille_store::Dialect::Sqlite => None,
        };
        Some(tokio::spawn(veille::scheduler::run(
            pipeline, sources, leasing, stop_rx,
        )))
    } else {
        None
    };
    shutdown_signal().await;
    let _ = stop_tx.send(true);
    if let Some(scheduler) = scheduler {
        scheduler.await??;
    }
    api.await??;
    watcher.abort();
    tokio::task::spawn_blocking(move || index.close()).await?;
    Ok(ExitCode::SUCCESS)
}

/// This worker's leases (`VEILLE_LEASE_SECONDS` long).
fn leasing() -> anyhow::Result<veille::scheduler::Leasing> {
    let leasing = veille::scheduler::Leasing::new(veille::scheduler::Leasing::ttl_from_env()?);
    tracing::info!(worker = %leasing.worker, lease_seconds = leasing.ttl.as_secs_f64(), "crawling beside other workers: each due source is leased");
    Ok(leasing)
}

/// `veille run --role crawler`: the scheduler alone, each due source
/// leased in the store, no API and no index (the API nodes' indexes follow
/// the store), until Ctrl-C.
async fn crawl_worker(config_path: &Path, data: &DataDir) -> anyhow::Result<ExitCode> {
    let config = load_config(config_path)?;
    let store = data.open_store()?;
    let model = veille::models::install_newest(data);
    let watcher = tokio::spawn(veille::models::watch(data.clone(), model, || {}));
    let pipeline = Pipeline {
        crawler: Crawler::new(&config.crawler, store.clone())?,
        store,
        index: None,
    };
    let sources = veille::scheduler::SourceList {
        path: config_path.to_path_buf(),
        initial: config,
        on_reload: Box::new(|_: &Config| {}),
    };
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut scheduler = tokio::spawn(veille::scheduler::run(
        pipeline,
        sources,
        Some(leasing()?),
        stop_rx,
    ));
    tokio::select! {
        _ = shutdown_signal() => {
            let _ = stop_tx.send(true);
            scheduler.await??;
        }
        done = &mut scheduler => done??,
    }
    watcher.abort();
    Ok(ExitCode::SUCCESS)
}

async fn crawl_once(
    config_path: &Path,
    data: &DataDir,
    only: &[String],
    quiet: bool,
) -> anyhow::Result<ExitCode> {
    let config = load_config(config_path)?;
    let sources: Vec<Source> = if only.is_empty() {
        config.enabled_sources().cloned().collect()
    } else {
        let unknown: Vec<&str> = only
            .iter()
            .filter(|id| config.source(id).is_none())
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            anyhow::bail!(
                "no source with id {} in {}",
                unknown.join(", "),
                config_path.display()
            );
        }
        only.iter()
            .filter_map(|id| config.source(id).cloned())
            .collect()
    };
    let store = data.open_store()?;
    let index = data.open_index(&store)?;
    let crawler = Crawler::new(&config.crawler, store.clone())?;
    let pipeline = Pipeline {
        store,
        index: Some(index.clone()),
        crawler,
    };
    let progress = Progress::new(sources.len() as u64, "sources", quiet);
    // `[crawler] max_concurrency` sources at once (the crawler still keeps
    // one request at a time per host).
    let concurrency = config.crawler.max_concurrency.get();
    let summary = pipeline
        .pass_with_progress(&sources, concurrency, |r| {
            let what = match &r.error {
                Some(_) => "failed".to_string(),
                None => format!("{}, {} new", r.outcome, r.counts.new),
            };
            progress.step(&format!("{}: {what}", r.source_id));
        })
        .await?;
    progress.finish();
    // The practices partners submitted, fetched with the same crawler.
    let taken = veille::submissions::take_in(&pipeline).await?;
    pipeline.commit().await?;
    tokio::task::spawn_blocking(move || index.close()).await?;
    println!("{summary}");
    if taken.taken + taken.failed + taken.probed > 0 {
        println!("{taken}");
    }
    Ok(if summary.sources_failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn search(
    data: &DataDir,
    query: String,
    lang: Option<String>,
    limit: usize,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let store = data.open_store()?;
    let (index, _) = data.open_index_for_search(&store)?;
    let request = veille_indexer::search::SearchRequest {
        q: query,
        lang,
        per_page: limit.clamp(1, 100),
        ..Default::default()
    };
    // The words the API uses for the same failures.
    let results = index.search(&request).map_err(|e| match e {
        IndexError::BadQuery(_) => anyhow::Error::new(e).context("parameter q"),
        e => anyhow::Error::new(e).context("search index"),
    })?;
    let mut out = std::io::stdout().lock();
    if json {
        let response = veille_search_api::SearchResponse::new(&request, results);
        serde_json::to_writer_pretty(&mut out, &response)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    // Matched words in bold on a terminal, between *stars* otherwise.
    let (on, off) = if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("*", "*")
    };
    writeln!(out, "{} hit(s)", results.total)?;
    for hit in &results.hits {
        writeln!(
            out,
            "\n{}  [{}] {} · {} · score {:.2} · {}",
            hit.title,
            hit.lang.as_deref().unwrap_or("??"),
            hit.source,
            hit.published.as_deref().unwrap_or("undated"),
            hit.candidate_score,
            hit.status
        )?;
        writeln!(out, "  {}", hit.url)?;
        writeln!(out, "  {}", hit.snippet.render(on, off, str::to_string))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn sources_check(config_path: &Path, data: &DataDir) -> anyhow::Result<ExitCode> {
    let config = match veille_crawler::config::load(config_path) {
        Ok(c) => c,
        Err(errors) => {
            eprintln!("{errors}");
            eprintln!(
                "{}: {} problem(s); nothing was changed",
                config_path.display(),
                errors.0.len()
            );
            return Ok(ExitCode::from(1));
        }
    };
    let health: std::collections::HashMap<String, veille_store::SourceHealth> =
        if data.db_path().exists() {
            data.open_store()?
                .source_health()?
                .into_iter()
                .map(|h| (h.source_id.clone(), h))
                .collect()
        } else {
            Default::default()
        };
    let now = Utc::now();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<24} {:<5} {:<8} {:<20} {:<10} {:>6}  last error",
        "source", "kind", "enabled", "next run (UTC)", "status", "items"
    )?;
    for s in &config.sources {
        let next = veille_crawler::schedule::next_run(s, now)
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|| "never".into());
        let h = health.get(&s.id);
        let status = match h {
            None => "new".to_string(),
            Some(h) if h.consecutive_failures > 0 => format!("failing×{}", h.consecutive_failures),
            Some(_) => "ok".to_string(),
        };
        let error = h
            .and_then(|h| {
                let since = h.failing_since?.format("%Y-%m-%d %H:%M");
                Some(format!("since {since}: {}", h.last_error.as_deref()?))
            })
            .unwrap_or_default();
        writeln!(
            out,
            "{:<24} {:<5} {:<8} {:<20} {:<10} {:>6}  {}",
            s.id,
            s.kind.to_string(),
            if s.enabled { "yes" } else { "no" },
            next,
            status,
            h.map_or(0, |h| h.item_count),
            error
        )?;
    }
    writeln!(
        out,
        "{}: {} source(s), {} enabled, no problems",
        config_path.display(),
        config.sources.len(),
        config.enabled_sources().count()
    )?;
    Ok(ExitCode::SUCCESS)
}

fn reindex(data: &DataDir) -> anyhow::Result<ExitCode> {
    let store = data.open_store()?;
    let path = data.index_path();
    let started = std::time::Instant::now();
    let n = veille_indexer::index::Index::rebuild(&path, &store).with_context(|| {
        format!(
            "cannot rebuild the index in {} (is veille running? stop it first)",
            path.display()
        )
    })?;
    println!(
        "reindexed {n} item(s) into {} in {:.1} s",
        path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// One input of `veille extract`: where to read it, and the page's address.
struct ExtractInput {
    path: PathBuf,
    url: Option<String>,
}

fn extract(
    text: bool,
    url: Option<String>,
    manifest: Option<PathBuf>,
    files: Vec<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let mut inputs: Vec<ExtractInput> = Vec::new();
    if let Some(manifest) = &manifest {
        let file = std::fs::File::open(manifest)
            .with_context(|| format!("cannot read manifest {}", manifest.display()))?;
        for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line =
                line.with_context(|| format!("cannot read manifest {}", manifest.display()))?;
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            match line.split_once('\t') {
                Some((path, url)) => inputs.push(ExtractInput {
                    path: PathBuf::from(path),
                    url: Some(url.trim().to_string()).filter(|u| !u.is_empty()),
                }),
                None => inputs.push(ExtractInput {
                    path: PathBuf::from(line.trim()),
                    url: None,
                }),
            }
            let _ = n;
        }
    }
    if url.is_some() && files.len() + inputs.len() > 1 {
        anyhow::bail!("--url gives the address of a single input; use --manifest for many");
    }
    inputs.extend(files.into_iter().map(|path| ExtractInput {
        path,
        url: url.clone(),
    }));
    if inputs.is_empty() {
        anyhow::bail!("nothing to extract: give files, `-` for standard input, or --manifest");
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed = false;
    for input in &inputs {
        let name = input.path.display().to_string();
        let value = match read_input(&input.path) {
            Ok(bytes) => {
                let analysis = if text {
                    veille_indexer::ingest::analyze_text(&String::from_utf8_lossy(&bytes))
                } else {
                    let html = veille_crawler::decode_html(&bytes, None);
                    veille_indexer::ingest::analyze_html(&html, input.url.as_deref())
                };
                let mut value = serde_json::to_value(&analysis)?;
                if let Some(obj) = value.as_object_mut() {
                    obj.insert("input".into(), name.into());
                }
                value
            }
            Err(e) => {
                failed = true;
                serde_json::json!({ "input": name, "error": format!("{e:#}") })
            }
        };
        serde_json::to_writer(&mut out, &value)?;
        writeln!(out)?;
    }
    out.flush()?;
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn read_input(path: &Path) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if path == Path::new("-") {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
    } else {
        bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    }
    Ok(bytes)
}
