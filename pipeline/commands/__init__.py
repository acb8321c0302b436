"""Project commands (COMMANDS_MODULE): `scrapy evaluate`, `scrapy seeds`, `scrapy cron`."""
