"""newsclean: Scrapy components that turn fetched news pages into clean article records."""

__version__ = "0.1.0"
