.DEFAULT_GOAL := help
.PHONY: help run test test-all lint audit format services bench

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run: ## Set up and serve the portal with demo content at http://127.0.0.1:8000 (SQLite)
	scripts/run.sh

test: ## Run the whole test suite (SQLite, and PostgreSQL when it runs or under CI=true)
	scripts/test.sh

services: ## Install and start PostgreSQL and Elasticsearch for tests and benchmarks
	scripts/postgres.sh start
	scripts/elasticsearch.sh start

test-all: services test ## Start the services, then run the whole test suite

lint: ## ruff, Django's checks and a migrations check
	scripts/bootstrap.sh
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/python manage.py check
	.venv/bin/python manage.py makemigrations --check --dry-run

audit: ## Known vulnerabilities in the locked dependencies (pip-audit; needs PyPI's JSON API or OSV)
	scripts/audit.sh

format: ## Format the code with ruff
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

bench: ## Throughput and latency at 10,000 pages and cases (cached, rendered, nginx ceiling, desk list, search API), search relevance and latency, routing
	bench/http_pages.sh
	REUSE_DB=1 bench/render_latency.sh
	bench/search_relevance.sh
	bench/search_latency.sh
	.venv/bin/python bench/consultation_routing.py
