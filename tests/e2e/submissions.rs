//! The collection point through the real binary: a partner submits a
//! practice page served on 127.0.0.1 and a text; `veille crawl --once`
//! fetches the page with the crawler and makes both items of the source
//! `submitted`; a curator sees them, with who sent them, and publishes; the
//! submitter's status page says "published". A suggested source waits in
//! `veille sources suggestions`.

use serde_json::json;

use crate::accounts::{add_user, token_of};
use crate::support::*;

/// Only the crawler's settings: no source of its own, so that the
/// submitted page is fetched as a submission.
const CONFIG: &str = "[crawler]\nuser_agent = \"veille-test (+http://127.0.0.1/contact)\"\n\
                      allow_private_networks = true\nmin_host_delay_ms = 0\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partners_submitted_page_is_crawled_queued_and_published() {
    let site = FixtureServer::start().await;
    let home = Home::new(CONFIG);
    add_user(&home, "ripess", "partner", "partner password 1").await;
    add_user(&home, "alice", "curator", "correct horse battery").await;
    let (partner, curator) = (
        token_of(&home, "ripess").await,
        token_of(&home, "alice").await,
    );

    let api = home.start("serve", &[]).await;
    let page = site.url("/en/news/land-trust.html");
    let (status, sent) = api
        .post(
            "/api/submissions",
            Some(&partner),
            &json!({"kind": "practice", "url": page, "name": "Community Land Trust Brussels",
                    "place": "Brussels", "themes": ["T3"]}),
        )
        .await;
    assert_eq!(status, 201, "{sent}");
    let receipt = sent["receipt"].as_str().unwrap().to_string();
    let status_url = sent["status_url"].as_str().unwrap().to_string();
    let (status, text) = api
        .post(
            "/api/submissions",
            None,
            &json!({"kind": "practice", "name": "Repair café <b>Lyon</b>",
                    "text": "A repair café run by volunteers of a cooperative in Lyon."}),
        )
        .await;
    assert_eq!(status, 201, "{text}");
    let (status, suggested) = api
        .post(
            "/api/submissions",
            None,
            &json!({"kind": "source", "url": site.url("/en/news/"), "note": "news\u{1b}[31m of a network"}),
        )
        .await;
    assert_eq!(status, 201);
    let suggested = suggested["receipt"].as_str().unwrap().to_string();
    let (_, view) = api.get(&status_url).await;
    assert_eq!(view["status"], "received");
    api.stop().await;

    // The suggested source waits for the operators, quoted.
    let out = home.veille(&["sources", "suggestions"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let expected = format!("add it: veille sources add '{}'", site.url("/en/news/"));
    assert!(out.stdout.contains(&expected), "{}", out.stdout);
    assert!(
        out.stdout
            .contains(r#"note: "news\u{1b}[31m of a network""#),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains('\u{1b}'), "{}", out.stdout);

    // The next crawl takes them in: the page through the crawler.
    let out = home.veille(&["crawl", "--once"]).await;
    assert!(
        out.stdout
            .contains("submissions: 2 taken in, 0 failed, 1 suggested source(s) probed"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    let fetched = site.seen(|s| s.requests.get("/en/news/land-trust.html").copied());
    assert_eq!(fetched, Some(1), "the crawler fetched the submitted page");

    let api = home.start("serve", &[]).await;
    let (status, list) = api.get_as("/api/submissions", Some(&curator)).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["total"], 3, "{list}");
    let ours = &list["submissions"][0];
    assert_eq!(ours["submitted_by"], "ripess");
    assert_eq!(list["submissions"][1]["submitted_by"], "anonymous");
    let item_id = ours["item_id"].as_str().expect("the page became an item");
    let (status, item) = api.get(&format!("/api/items/{item_id}")).await;
    assert_eq!(status, 200, "{item}");
    assert_eq!(item["source_id"], "submitted");
    assert!(
        item["title"].as_str().unwrap().contains("land trust"),
        "{item}"
    );
    // Searchable, marked as submitted.
    let (_, found) = api.get("/api/search?q=&source=submitted").await;
    assert_eq!(hits(&found).len(), 2, "{found}");

    let (status, decided) = api
        .post(
            &format!("/api/submissions/{receipt}/decision"),
            Some(&curator),
            &json!({"status": "published"}),
        )
        .await;
    assert_eq!(status, 200, "{decided}");
    let (_, view) = api.get(&status_url).await;
    assert_eq!(view["status"], "published");
    api.stop().await;

    // The suggested site was probed by that crawl: what discovery found
    // waits for the operators, who add it to sources.toml in one action.
    let out = home.veille(&["sources", "suggestions"]).await;
    let found = format!("found: page source {:?}", site.url("/en/news/"));
    assert!(out.stdout.contains(&found), "{}", out.stdout);
    add_user(&home, "ops", "admin", "operator password 1").await;
    let operator = token_of(&home, "ops").await;
    let api = home.start("serve", &[]).await;
    let page = reqwest::get(api.url("/sources/suggestions")).await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains(&site.url("/en/news/")), "{page}");
    let added = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(api.url(&format!("/sources/suggestions/{suggested}")))
        .bearer_auth(&operator)
        .form(&[("action", "add")])
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 303, "{}", added.text().await.unwrap());
    api.stop().await;
    let file = std::fs::read_to_string(home.config()).unwrap();
    assert!(file.starts_with(CONFIG), "{file}");
    assert!(
        file.contains(&format!("url = \"{}\"", site.url("/en/news/"))),
        "{file}"
    );
    assert!(file.contains("kind = \"page\""), "{file}");
    let out = home.veille(&["sources", "check"]).await;
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    let out = home.veille(&["sources", "suggestions"]).await;
    assert!(out.stdout.contains("no source suggested"), "{}", out.stdout);
}
