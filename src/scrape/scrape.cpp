// Scraper core: see issue 4.
