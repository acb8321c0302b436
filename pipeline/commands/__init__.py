"""Project commands (COMMANDS_MODULE): `scrapy evaluate`."""
