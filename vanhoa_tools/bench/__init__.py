"""`make bench` (`python -m vanhoa_tools.bench`): timings on this machine, each beside its budget
and the plain alternative, into BENCHMARKS.md (run.py puts the sections together).

Method: each figure is the median of several runs after one warm-up run (measure.py). Budgets are
those of the scale issue; a missed budget is printed as such, never hidden. Sections, a module each:

1. ingest.py: a typical return and a 50,000-activity return, beside pandas.read_excel(openpyxl);
2. queries.py: a province-scale store (1,000 units × 10 periods, `vanhoa_tools.synth.synthesize`)
   and every query in queries/ on it, with the parameters the pages pass, through `Store.query` as
   the app calls it and, for comparison, on a connection kept open;
3. pages.py: every page's script run at province scale (AppTest, through the router as a
   signed-in administrator), cold and warm, each page in a fresh process; the app's resident
   memory after every page has run in one process;
4. export.py: a filtered XLSX export of about 100,000 activity rows;
5. hostile.py: hostile files (zip bombs, a million-row sheet) refused: time and memory growth
   (RSS, sampled), each measured in a fresh process so that memory freed by earlier steps cannot
   hide growth;
6. concurrency.py: command-line processes and threads writing into one store at once;
7. ducklake.py: the same store on DuckLake over a throwaway PostgreSQL (several app servers);
8. cli.py: `python -m vanhoa --help`, whole process, beside `python -c pass`.
"""
