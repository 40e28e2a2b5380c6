-- wrk script for benches/search.sh: each request is one of these searches,
-- in turn (realistic analyst queries: words, phrases, the four portal
-- languages with and without expansion, filters, sorts, pages, facets).
local paths = {
  "/api/search?q=housing+cooperative",
  "/api/search?q=coop%C3%A9rative+d%27habitation",
  "/api/search?q=cooperativa+de+vivienda&sort=date",
  "/api/search?q=%EC%A3%BC%ED%83%9D%ED%98%91%EB%8F%99%EC%A1%B0%ED%95%A9",
  "/api/search?q=%EC%82%AC%ED%9A%8C%EC%A0%81%EA%B2%BD%EC%A0%9C",
  "/api/search?q=social+economy&lang=fr",
  "/api/search?q=fair+trade&expand=false",
  "/api/search?q=worker+cooperative+bakery",
  "/api/search?q=%22community+land+trust%22&sort=score",
  "/api/search?q=credit+union&from=2020-01-01&to=2022-12-31",
  "/api/search?q=energy+cooperative&page=3",
  "/api/search?q=monnaie+locale",
  "/api/search?q=Montr%C3%A9al",
  "/api/search?q=football",
  "/api/search?q=solar&per_page=50",
  "/api/search?sort=date",
  "/api/search?q=economia+social&lang=es",
  "/api/search?q=cooperative&page=10",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
