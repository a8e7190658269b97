"""What the fork server of ``kg.parallel.Pool`` imports before it forks a worker
(``set_forkserver_preload``): it loads the pipeline the server's environment names
(``kg.parallel.preload_pipeline``), so every worker starts with it loaded. Imported
anywhere else it does nothing: no such environment variable is set there."""

from kg.parallel import preload_pipeline

preload_pipeline()
