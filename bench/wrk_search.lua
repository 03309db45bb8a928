-- Search API load for bench/http_pages.sh: each request asks the next of 16 popular Polish queries; after
-- their first round the search results cache answers them. Prints the same RESULT line as wrk_report.lua.
dofile("bench/wrk_report.lua")
local queries = {
  "uchwa%C5%82a", "przekszta%C5%82cenie%20OPS", "organizator%20us%C5%82ug", "program%20us%C5%82ug%20spo%C5%82ecznych",
  "koordynator%20indywidualnych%20plan%C3%B3w", "finansowanie", "zlecanie%20us%C5%82ug", "statut%20centrum",
  "diagnoza%20potrzeb", "kadry", "CUS", "OPS", "klub%20seniora", "us%C5%82ugi%20opieku%C5%84cze",
  "rada%20gminy", "konsultacje%20spo%C5%82eczne",
}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/api/search/?q=" .. queries[(n % #queries) + 1])
end
