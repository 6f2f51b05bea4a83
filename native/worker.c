/*
 * One worker thread per client for the librdkafka calls that block (flush, transactions, metadata, destroy). Jobs
 * run one at a time in submission order; each finished job travels back to the main thread through the client's
 * threadsafe function, where its promise settles.
 */
#include <stdlib.h>

#include "client.h"
#include "napi_util.h"

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
  kafkit_job *job = kafkit_calloc(env, 1, sizeof(*job), "starting a call on the client's worker");
  if (!job) return NULL;
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
    free(job); /* its data stays with the caller */
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

void kafkit_job_complete_error(napi_env env, kafkit_job *job) {
  if (!job->deferred) return;
  if (!job->error) {
    napi_resolve_deferred(env, job->deferred, kafkit_undefined(env));
    return;
  }
  napi_value error = kafkit_error_from(env, job->error), exception = NULL;
  /* Should the error object not be made, the promise still settles, with the exception that said why. */
  if (!error && kafkit_exception_pending(env)) napi_get_and_clear_last_exception(env, &exception);
  napi_reject_deferred(env, job->deferred, error ? error : exception);
}

void kafkit_job_settle(napi_env env, kafkit_job *job, napi_value value) {
  napi_value exception = NULL;
  if (job->deferred && kafkit_exception_pending(env)) napi_get_and_clear_last_exception(env, &exception);
  if (exception || value) {
    /* A value that could not be made rejects with the exception that said why. */
    if (exception) napi_reject_deferred(env, job->deferred, exception);
    else napi_resolve_deferred(env, job->deferred, value);
    job->deferred = NULL;
    return;
  }
  kafkit_job_complete_error(env, job);
}

napi_value kafkit_worker_call(napi_env env, napi_callback_info info, void (*execute)(kafkit_job *)) {
  napi_value argv[2];
  kafkit_native_client *client = kafkit_native_args(env, info, 2, argv);
  kafkit_job *job = client ? kafkit_job_new(env, client, execute, kafkit_job_complete_error) : NULL;
  if (!job) return NULL;
  job->timeout_ms = kafkit_int32_arg(env, argv[1], 0);
  return kafkit_worker_submit(env, client, job);
}
