-- Search API load for bench/http_pages.sh that no results cache can answer: every request is one of the
-- popular queries of wrk_search.lua plus two words of a word list, a different combination each time, and
-- the wrk threads start apart so they do not ask the same. Prints wrk_report.lua's RESULT line.
dofile("bench/wrk_report.lua")
local bases = {
  "uchwała", "przekształcenie OPS", "organizator usług", "program usług społecznych",
  "koordynator indywidualnych planów", "finansowanie", "zlecanie usług", "statut centrum", "diagnoza potrzeb",
  "kadry", "CUS", "OPS", "klub seniora", "usługi opiekuńcze", "rada gminy", "konsultacje społeczne",
}
local words = {}
for word in ([[gmina powiat miasto wieś pomoc wsparcie rodzina senior dziecko młodzież mieszkanie opieka
  praca zdrowie edukacja kultura sport transport dotacja budżet sprawozdanie kontrola rada wójt burmistrz
  starosta ustawa rozporządzenie zarządzenie regulamin strategia projekt nabór konkurs umowa zlecenie oferta
  organizacja fundacja stowarzyszenie wolontariat sąsiedztwo integracja aktywizacja bezrobocie
  niepełnosprawność asystent pracownik szkolenie doradztwo poradnictwo interwencja kryzys przemoc
  uzależnienie profilaktyka terapia rehabilitacja posiłek schronienie noclegownia dom dzienny całodobowy
  środowiskowy teleopieka opiekun wytchnienie partnerstwo współpraca sieć lokalny regionalny wojewoda
  mieszkaniec potrzeba zasób diagnoza ewaluacja monitoring jakość standard procedura wniosek decyzja
  zasiłek świadczenie kwalifikacja superwizja mediacja inkluzja edukacyjny zdrowotny kulturalny
  sportowy mieszkaniowy ekologiczny cyfrowy informacja]]):gmatch("%S+") do
  words[#words + 1] = word
end
local function encode(text)
  return (text:gsub("[^%w]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local started = 0
setup = function(thread)
  thread:set("id", started)
  started = started + 1
end
local n = -1
request = function()
  -- Each thread starts its second words 37 apart, so threads ask the same only after 59,200 requests.
  n = n + 1
  local base = bases[n % #bases + 1]
  local first = words[math.floor(n / #bases) % #words + 1]
  local second = words[(math.floor(n / (#bases * #words)) + 37 * (id or 0)) % #words + 1]
  return wrk.format("GET", "/api/search/?q=" .. encode(base .. " " .. first .. " " .. second))
end
