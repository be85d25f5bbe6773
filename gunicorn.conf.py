"""gunicorn's settings for Navigator, read whenever gunicorn is started from this folder.

Only what the command line does not say: how each worker's memory is looked after. Left as
it is, Python's cycle collector stops a worker now and then to walk every object the app
holds (Django, the vocabulary, the URL patterns, the translation catalogues). Measured on
pathway plans at 100k services, that was 7 pauses of up to 70 ms in 300 requests, and about
2.5 ms a request of smaller ones: the slowest plans were slow for that reason alone.

So once a worker has loaded the app, what it holds is set aside (`gc.freeze`) where the
collector no longer walks it, and the youngest objects are collected every 10,000 new ones
rather than every 700: a request's own short-lived objects in a pass or two, not a dozen.
Nothing is kept longer than before; cycles made while serving are still collected.
"""

import gc

# The youngest generation's threshold; the older two keep Python's defaults.
GC_THRESHOLD = (10_000, 10, 10)


def post_worker_init(worker):
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
