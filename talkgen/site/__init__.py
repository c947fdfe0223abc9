"""All episodes → the site: indexes, the rebuild planner, pages, feeds, search, output."""
