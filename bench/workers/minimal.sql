-- The least a trial can cost the server (pgbench's script for run.sh's PGBENCH rows): a row
-- inserted running with the next number, then updated finished with its value, in two
-- autocommit statements, as knob's creation and finish are.
INSERT INTO trials(study, number, state) VALUES (1, nextval('numbers'), 0) RETURNING id \gset
UPDATE trials SET state = 1, value = random() WHERE id = :id;
