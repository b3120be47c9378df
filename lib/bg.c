/* bg.c - a job on a second thread while the caller goes on */
#include "crm.h"

void bg_start(struct bg *b, void *(*fn)(void *), void *arg)
{
	b->fn = fn;
	b->arg = arg;
	b->threaded = pthread_create(&b->thread, NULL, fn, arg) == 0;
	b->done = 0;
}

void bg_wait(struct bg *b)
{
	if (b->done)
		return;
	/* no thread to be had: the job runs now, as it would have alone */
	if (b->threaded)
		pthread_join(b->thread, NULL);
	else
		b->fn(b->arg);
	b->done = 1;
}
