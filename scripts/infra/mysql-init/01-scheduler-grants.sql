-- docker-compose.yml runs this once, when the MySQL volume is created: the integration tests create
-- and drop their own databases, so the scheduler user needs more than the image's per-database grant.
GRANT ALL PRIVILEGES ON *.* TO 'scheduler'@'%' WITH GRANT OPTION;
FLUSH PRIVILEGES;
