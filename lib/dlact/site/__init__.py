"""The publishing machinery: how the lecture is built, checked and served.

A lecturer or a student never needs to open this room; the teaching API is
the rest of :mod:`dlact`. Each module does one step of the build and says at
its top where it runs:

``build``       the build's steps (``make site``, ``make retrain``, ``make pdf``, ``make api``)
``apidoc``      by hand (``make api``): the book's appendix on the library, from its docstrings
``docstrings``  by hand (``make api``): numpydoc read as written, links between entries
``kernel``      the benchmark (``make bench``): execute one chapter in a fresh kernel
``lanes``       a build on two cores: half the renders in a copy of the project
``preview``     ``make preview``: Quarto's live preview, following the partials too
``freeze``      before a render: re-execute documents whose inputs changed
``prosepatch``  before a render: carry an edit of the prose into the frozen results
``postrender``  after a render: offline and accessibility fixes to the HTML
``webfix``      after a render: the HTML fixes the web's checkers ask for
``prune``       after a render: remove deployed files that no page loads
``fonts``       after a render: the fonts cut to the characters and icons the pages use
``fitcache``    in the kernel: train each model once per build
``fastfit``     in the kernel: several training steps per call on JAX, the same numbers
``results``     in the kernel: record a computed value
``claims``      in the kernel: check the sentences about recorded values
``checks``      after a build: report every contradicted claim
``display``     in the kernel: listings and worked equations as Markdown
``ojs``         in the kernel: hand values to the page's Observable JS
``qmd``         anywhere: read the Quarto sources (cells, includes, inline code)
``sitecheck``   after a build (``make check-site``): Nu, workflow and size checks, the summary
``pdfcheck``    after a build (``make check-site``): the PDFs' tags, language, bookmarks
``lighthouse``  after a build (``make check-site``): Lighthouse on the served site
"""
