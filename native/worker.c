/*
 * One worker thread per client for the librdkafka calls that block (flush, transactions, metadata, destroy). Jobs
 * run one at a time in submission order; each finished job travels back to the main thread through the client's
 * threadsafe function, where its promise settles.
 */
#include <stdlib.h>

#include "client.h"
#include "kafkit_admin.h"

static void worker_main(void *arg) {
  kafkit_native_client *client = arg;
  uv_mutex_lock(&client->lock);
  for (;;) {
    while (!client->jobs_head && !client->worker_stopping) uv_cond_wait(&client->work_ready, &client->lock);
    kafkit_job *job = client->jobs_head;
    if (!job) break; /* stopping and nothing left */
    client->jobs_head = job->next;
    if (!client->jobs_head) client->jobs_tail = NULL;
    uv_mutex_unlock(&client->lock);
    job->execute(job);
    /* Blocking: a finished job must reach the main thread (the queue is unbounded, so this never waits). */
    if (napi_call_threadsafe_function(client->tsfn, job, napi_tsfn_blocking) != napi_ok) {
      if (job->error) rd_kafka_error_destroy(job->error);
      free(job); /* the environment is gone: nobody waits for it */
    }
    uv_mutex_lock(&client->lock);
  }
  uv_mutex_unlock(&client->lock);
}

bool kafkit_worker_start(napi_env env, kafkit_native_client *client) {
  if (uv_thread_create(&client->worker, worker_main, client) != 0) {
    napi_throw_error(env, NULL, "kafkit: cannot start the client's worker thread");
    return false;
  }
  client->worker_started = true;
  return true;
}

void kafkit_worker_stop(kafkit_native_client *client) {
  if (!client->worker_started) return;
  uv_mutex_lock(&client->lock);
  client->worker_stopping = true;
  uv_cond_signal(&client->work_ready);
  uv_mutex_unlock(&client->lock);
  uv_thread_join(&client->worker);
  client->worker_started = false;
}

kafkit_job *kafkit_job_new(napi_env env, kafkit_native_client *client, void (*execute)(kafkit_job *),
                           void (*complete)(napi_env, kafkit_job *)) {
  kafkit_job *job = calloc(1, sizeof(*job));
  if (!job) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  job->client = client;
  job->execute = execute;
  job->complete = complete;
  return job;
}

static void enqueue(kafkit_native_client *client, kafkit_job *job) {
  uv_mutex_lock(&client->lock);
  job->next = NULL;
  if (client->jobs_tail) client->jobs_tail->next = job;
  else client->jobs_head = job;
  client->jobs_tail = job;
  uv_cond_signal(&client->work_ready);
  uv_mutex_unlock(&client->lock);
}

napi_value kafkit_worker_submit(napi_env env, kafkit_native_client *client, kafkit_job *job) {
  napi_value promise;
  if (napi_create_promise(env, &job->deferred, &promise) != napi_ok) {
    kafkit_throw_last(env);
    free(job->data);
    free(job);
    return NULL;
  }
  kafkit_client_ref(env, client);
  enqueue(client, job);
  return promise;
}

void kafkit_worker_submit_detached(kafkit_native_client *client, kafkit_job *job) { enqueue(client, job); }

void kafkit_worker_finish(napi_env env, kafkit_job *job) {
  kafkit_native_client *client = job->client;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  bool awaited = job->deferred != NULL;
  job->complete(env, job);
  if (job->error) rd_kafka_error_destroy(job->error);
  free(job);
  if (awaited) kafkit_client_unref(env, client);
  napi_close_handle_scope(env, scope);
}

napi_value kafkit_error_from(napi_env env, const rd_kafka_error_t *error) {
  napi_value value = kafkit_error_instance(env, rd_kafka_error_code(error), rd_kafka_error_string(error));
  kafkit_set_bool(env, value, "isRetriable", rd_kafka_error_is_retriable(error));
  kafkit_set_bool(env, value, "isFatal", rd_kafka_error_is_fatal(error));
  kafkit_set_bool(env, value, "isTxnRequiresAbort", rd_kafka_error_txn_requires_abort(error));
  return value;
}

void kafkit_job_complete_error(napi_env env, kafkit_job *job) {
  if (!job->deferred) return;
  if (job->error) {
    napi_reject_deferred(env, job->deferred, kafkit_error_from(env, job->error));
  } else {
    napi_value undefined;
    napi_get_undefined(env, &undefined);
    napi_resolve_deferred(env, job->deferred, undefined);
  }
}
