package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/gostack/gostack/image/registry"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// The properties through which an import reports its progress
// (glance/async_/flows/api_image_import.py). With one store (no
// enabled_backends) the store lists stay empty strings, as upstream's.
const (
	propImportTask      = "os_glance_import_task"
	propImportingStores = "os_glance_importing_to_stores"
	propFailedImport    = "os_glance_failed_import"
	propStageHost       = "os_glance_stage_host"
)

// importInfo is GET /v2/info/import (api-ref: Import methods).
func (a *API) importInfo(w http.ResponseWriter, r *http.Request) {
	if _, err := callerOf(r); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	methods := a.set.ImportMethods
	if methods == nil {
		methods = []string{}
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"import-methods": map[string]any{
		"description": "Import methods available.", "type": "array", "value": methods,
	}})
}

// storesInfo is GET /v2/info/stores (api-ref: List stores). As glance
// configured with [glance_store] stores and no enabled_backends, it is
// 404: the one RBD store is not a named backend.
func (a *API) storesInfo(w http.ResponseWriter, r *http.Request) {
	if _, err := callerOf(r); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	httpapi.WriteError(w, r, fault.New(fault.NotFound, "Multi backend is not supported at this site."))
}

// stageImage is PUT /v2/images/{image_id}/stage (api-ref: Stage binary
// image data): the data goes to the staging area, the image to
// uploading with its size; 204. Any failure puts it back to queued with
// nothing staged.
func (a *API) stageImage(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err == nil && !slices.Contains(a.set.ImportMethods, "glance-direct") {
		err = fault.New(fault.NotFound, "'glance-direct' method is not available at this site.")
	}
	if err == nil {
		err = checkOctetStream(r)
	}
	if err == nil {
		err = a.stage(r, c, chi.URLParam(r, "image_id"))
	}
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) stage(r *http.Request, c caller, id string) error {
	ctx := r.Context()
	im, err := a.getImage(ctx, c, id)
	if err != nil {
		return err
	}
	if err := a.enforce(c, "modify_image", im); err != nil {
		return err
	}
	if err := a.checkMutable(c, im); err != nil {
		return err
	}
	area, err := a.stagingArea()
	if err != nil {
		return err
	}
	remaining, err := a.remainingStorage(ctx, deref2(im.Owner), id, r.ContentLength)
	if err != nil {
		return err
	}
	if im.Status != registry.StatusQueued {
		return fault.New(fault.Conflict, "Image status transition from %s to uploading is not allowed", im.Status)
	}
	im.Status = registry.StatusUploading
	uploading, err := a.reg.Save(ctx, im, registry.SaveOptions{FromStatus: registry.StatusQueued})
	if err != nil {
		return err
	}
	n, err := area.Stage(ctx, id, a.limitData(r.Body, remaining))
	if err == nil && r.ContentLength > 0 && n != r.ContentLength {
		err = fmt.Errorf("read %d bytes of %d", n, r.ContentLength)
	}
	if err == nil {
		uploading.Size = &n
		_, err = a.reg.Save(context.WithoutCancel(ctx), uploading, registry.SaveOptions{FromStatus: registry.StatusUploading})
	}
	if err != nil {
		_ = area.Remove(id)
		uploading.Status, uploading.Size = registry.StatusQueued, nil
		if _, serr := a.reg.Save(context.WithoutCancel(ctx), uploading, registry.SaveOptions{FromStatus: registry.StatusUploading}); serr != nil {
			a.log.ErrorContext(ctx, "could not put a failed stage back to queued", "image_id", id, "error", serr.Error())
		}
		if lerr := limitError(err); lerr != err {
			return lerr
		}
		return uploadError(id, err)
	}
	return nil
}

// importRequest is a decoded POST /v2/images/{id}/import body.
type importRequest struct {
	method string
	uri    string
	body   map[string]any // as sent, kept in the task's input
}

// decodeImport is glance's _validate_import_body.
func (a *API) decodeImport(r *http.Request) (importRequest, error) {
	v, err := readJSON(r)
	if err != nil {
		return importRequest{}, err
	}
	body, _ := v.(map[string]any)
	method, ok := body["method"].(map[string]any)
	if !ok {
		return importRequest{}, fault.New(fault.Invalid, "Import request requires a 'method' field.")
	}
	name, ok := method["name"].(string)
	if !ok {
		return importRequest{}, fault.New(fault.Invalid, "Import request requires a 'name' field.")
	}
	if !slices.Contains(a.set.ImportMethods, name) {
		return importRequest{}, fault.New(fault.Invalid, "Unknown import method name '%s'.", name)
	}
	for _, k := range []string{"all_stores_must_succeed", "all_stores"} {
		if x, ok := body[k]; ok {
			if _, ok := x.(bool); !ok {
				return importRequest{}, fault.New(fault.Invalid, "'%s' must be boolean value only", k)
			}
		}
	}
	if b, ok := body["all_stores_must_succeed"].(bool); ok && !b {
		return importRequest{}, fault.New(fault.Invalid, "All_stores_must_succeed can only be set with enabled_backends %v", method["uri"])
	}
	uri, _ := method["uri"].(string)
	return importRequest{method: name, uri: uri, body: body}, nil
}

// importImage is POST /v2/images/{image_id}/import (api-ref: Import an
// image): checks the request, takes the image's import lock, marks it
// importing and answers 202; a task then brings the data in (staged, or
// fetched from the URL), converts it, stores it and makes the image
// active, or puts it back to queued with os_glance_failed_import.
func (a *API) importImage(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	req, err := a.decodeImport(r)
	if err == nil {
		err = a.startImport(r, c, chi.URLParam(r, "image_id"), req)
	}
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (a *API) startImport(r *http.Request, c caller, id string, req importRequest) error {
	ctx := r.Context()
	im, err := a.getImage(ctx, c, id)
	if err != nil {
		return err
	}
	switch {
	case im.Status == registry.StatusActive:
		return fault.New(fault.Conflict, "Image with status active cannot be target for import")
	case req.method == "web-download" && im.Status != registry.StatusQueued:
		return fault.New(fault.Conflict, "Image needs to be in 'queued' state to use '%s' method", req.method)
	case req.method == "glance-direct" && im.Status != registry.StatusUploading:
		return fault.New(fault.Conflict, "Image needs to be staged before 'glance-direct' method can be used")
	case deref2(im.ContainerFormat) == "":
		return fault.New(fault.Conflict, "'container_format' needs to be set before import")
	case deref2(im.DiskFormat) == "":
		return fault.New(fault.Conflict, "'disk_format' needs to be set before import")
	}
	if err := a.enforce(c, "modify_image", im); err != nil {
		return err
	}
	if err := a.checkMutable(c, im); err != nil {
		return err
	}
	if req.method == "web-download" && !a.set.Import.Allows(req.uri) {
		return fault.New(fault.Invalid, "URI for web-download does not pass filtering: %s", req.uri)
	}
	if _, err := a.stagingArea(); err != nil {
		return err
	}
	taskID := uuid.NewString()
	if err := a.reg.SetPropertyAtomic(ctx, id, propImportTask, taskID); err != nil {
		if fault.KindOf(err) == fault.Conflict {
			return fault.Wrap(err, fault.Conflict, "New operation on image '%s' is not permitted as prior operation is still in progress", id)
		}
		return err
	}
	task := registry.Task{ID: taskID, Type: "api_image_import", Status: registry.TaskPending, Owner: c.project(),
		ImageID: id, RequestID: httpapi.RequestID(ctx), UserID: c.ctx.UserID,
		Input: map[string]any{"image_id": id, "import_req": req.body, "backend": []any{nil}}}
	if err := a.reg.CreateTask(ctx, task); err != nil {
		_ = a.reg.DeletePropertyIf(context.WithoutCancel(ctx), id, propImportTask, taskID)
		return err
	}
	from := im.Status
	if im.Properties == nil {
		im.Properties = map[string]string{}
	}
	im.Properties[propImportTask] = taskID
	im.Properties[propImportingStores] = ""
	im.Properties[propFailedImport] = ""
	delete(im.Properties, propStageHost)
	im.Status = registry.StatusImporting
	importing, err := a.reg.Save(ctx, im, registry.SaveOptions{FromStatus: from})
	if err != nil {
		_ = a.reg.DeletePropertyIf(context.WithoutCancel(ctx), id, propImportTask, taskID)
		a.finishTask(context.WithoutCancel(ctx), taskID, registry.TaskFailure, nil, fault.MessageOf(err))
		return err
	}
	a.log.InfoContext(ctx, "image import started", "image_id", id, "task_id", taskID, "method", req.method)
	a.tasks.run(func(ctx context.Context) { a.runImport(ctx, importing, taskID, req) })
	return nil
}

// importTimeout bounds one import task.
const importTimeout = 2 * time.Hour

// runImport is the import task (glance's api_image_import flow).
func (a *API) runImport(ctx context.Context, im registry.Image, taskID string, req importRequest) {
	log := a.log.With("image_id", im.ID, "task_id", taskID)
	a.finishTask(ctx, taskID, registry.TaskProcessing, nil, "")
	area, err := a.stagingArea()
	if err == nil && req.method == "web-download" {
		err = a.download(ctx, im, req.uri)
	}
	var s stored
	if err == nil {
		s, err = a.storeFile(ctx, im, area.Path(im.ID))
	}
	if area != nil {
		_ = area.Remove(im.ID)
	}
	if err == nil {
		if _, qerr := a.remainingStorage(ctx, deref2(im.Owner), im.ID, s.Size); qerr != nil {
			err = qerr
			a.removeData(context.WithoutCancel(ctx), im.ID, s.Location.String())
		}
	}
	if err == nil {
		done := s.apply(im)
		delete(done.Properties, propImportTask)
		done.Properties[propImportingStores] = ""
		_, err = a.reg.Save(ctx, done, registry.SaveOptions{FromStatus: registry.StatusImporting, Locations: true})
		if err != nil {
			a.removeData(context.WithoutCancel(ctx), im.ID, s.Location.String())
		} else {
			log.InfoContext(ctx, "image import finished", "size", s.Size)
			a.finishTask(ctx, taskID, registry.TaskSuccess, map[string]any{"image_id": im.ID}, "")
			return
		}
	}
	log.ErrorContext(ctx, "image import failed", "error", err.Error())
	failed := im
	failed.Status, failed.Size, failed.VirtualSize = registry.StatusQueued, nil, nil
	delete(failed.Properties, propImportTask)
	failed.Properties[propImportingStores] = ""
	failed.Properties[propFailedImport] = ""
	if _, serr := a.reg.Save(context.WithoutCancel(ctx), failed, registry.SaveOptions{FromStatus: registry.StatusImporting}); serr != nil {
		log.ErrorContext(ctx, "could not put a failed import back to queued", "error", serr.Error())
	}
	a.finishTask(context.WithoutCancel(ctx), taskID, registry.TaskFailure, nil, fault.MessageOf(err))
}

// taskTTL is glance's [task] task_time_to_live default, 48 hours.
const taskTTL = 48 * time.Hour

func (a *API) finishTask(ctx context.Context, id, status string, result map[string]any, message string) {
	if err := a.reg.FinishTask(ctx, id, status, result, message, taskTTL); err != nil {
		a.log.ErrorContext(ctx, "could not record the task's status", "task_id", id, "status", status, "error", err.Error())
	}
}

// imageTasks is GET /v2/images/{image_id}/tasks (api-ref: Show image
// tasks, v2.12): the import tasks of an image one may see; any other
// image is a bare 404.
func (a *API) imageTasks(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	im, err := a.getImage(r.Context(), c, chi.URLParam(r, "image_id"))
	if err == nil {
		err = a.enforce(c, "get_image", im)
	}
	if err != nil {
		if k := fault.KindOf(err); k == fault.NotFound || k == fault.Forbidden {
			err = fault.Wrap(err, fault.NotFound, httpapi.MsgNotFound)
		}
		httpapi.WriteError(w, r, err)
		return
	}
	tasks, err := a.reg.TasksOfImage(r.Context(), im.ID)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	out := make([]map[string]any, 0, len(tasks))
	for _, t := range tasks {
		out = append(out, viewTask(t))
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"tasks": out})
}

// viewTask is glance's _task_format as its JSON serializer writes it
// (times in Python's isoformat).
func viewTask(t registry.Task) map[string]any {
	iso := func(tm time.Time) string { return tm.UTC().Format("2006-01-02T15:04:05") }
	var expires any
	if t.ExpiresAt != nil {
		expires = iso(*t.ExpiresAt)
	}
	var result any
	if t.Result != nil {
		result = t.Result
	}
	return map[string]any{
		"id": t.ID, "type": t.Type, "status": t.Status, "owner": t.Owner,
		"expires_at": expires, "created_at": iso(t.CreatedAt), "updated_at": iso(t.UpdatedAt),
		"deleted_at": nil, "deleted": false, "image_id": t.ImageID, "request_id": t.RequestID, "user_id": t.UserID,
		"input": t.Input, "result": result, "message": t.Message,
	}
}

// removeData deletes stored data that no image record points to.
func (a *API) removeData(ctx context.Context, id, uri string) {
	if err := a.store.Delete(ctx, uri); err != nil && fault.KindOf(err) != fault.NotFound {
		a.log.ErrorContext(ctx, "could not remove the data of a failed import", "image_id", id, "error", err.Error())
	}
}

// download is glance's web-download: the URL's body goes to the staging
// area, with redirects allowed only to URLs the filter allows and the
// project's storage quota applied.
func (a *API) download(ctx context.Context, im registry.Image, uri string) error {
	area, err := a.stagingArea()
	if err != nil {
		return err
	}
	client := &http.Client{CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("too many redirects")
		}
		if !a.set.Import.Allows(req.URL.String()) {
			return fmt.Errorf("redirect to %s does not pass filtering", req.URL.Redacted())
		}
		return nil
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, uri, nil)
	if err != nil {
		return err
	}
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("web-download: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("web-download: %s answered %s", req.URL.Redacted(), res.Status)
	}
	remaining, err := a.remainingStorage(ctx, deref2(im.Owner), im.ID, res.ContentLength)
	if err != nil {
		return err
	}
	_, err = area.Stage(ctx, im.ID, a.limitData(res.Body, remaining))
	return limitError(err)
}

// taskRunner runs import tasks in the background, each bounded in time
// and all cancelled by Close.
type taskRunner struct {
	wg     sync.WaitGroup
	ctx    context.Context
	cancel context.CancelFunc
}

func newTaskRunner(*API) *taskRunner {
	ctx, cancel := context.WithCancel(context.Background())
	return &taskRunner{ctx: ctx, cancel: cancel}
}

func (t *taskRunner) run(f func(ctx context.Context)) {
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		ctx, cancel := context.WithTimeout(t.ctx, importTimeout)
		defer cancel()
		f(ctx)
	}()
}

// Close cancels the running import tasks (their images go back to
// queued) and waits for them to end.
func (a *API) Close() {
	a.tasks.cancel()
	a.tasks.wg.Wait()
}
