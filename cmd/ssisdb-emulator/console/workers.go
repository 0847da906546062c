package console

import (
	"net/http"
	"strings"

	"github.com/google/uuid"
)

type masterInfo struct {
	Enabled                              bool
	Properties                           []option
	Queue, Running, Workers, Online, On  int
	Dispatched, Succeeded, Failed, Other uint64
	Shown                                bool
}

type workersPage struct {
	Workers []workerRow
	Master  masterInfo
	Error   string
}

// workers is Scale Out Manager: the master and its workers.
func (c *Console) workers(w http.ResponseWriter, q *request) {
	c.renderWorkers(w, q, http.StatusOK, "")
}

func (c *Console) renderWorkers(w http.ResponseWriter, q *request, status int, errText string) {
	p := workersPage{Workers: c.workerRows(q, nil), Error: errText}
	if t, err := c.read(q.ctx(), q.caller, "catalog", "catalog_properties"); err == nil {
		for _, r := range t.rows {
			if strings.EqualFold(t.str(r, "property_name"), "IS_SCALEOUT_ENABLED") {
				p.Master.Enabled = strings.EqualFold(t.str(r, "property_value"), "TRUE")
			}
		}
	}
	if t, err := c.read(q.ctx(), q.caller, "catalog", "master_properties"); err == nil {
		for _, r := range t.rows {
			p.Master.Properties = append(p.Master.Properties, option{Value: t.str(r, "property_value"), Label: t.str(r, "property_name")})
		}
	}
	// The master's counters are about every worker: shown to those who may
	// see the workers.
	if c.master != nil && q.user.ScaleOut {
		st := c.master.Stats()
		p.Master.Shown = true
		p.Master.Queue, p.Master.Running, p.Master.Workers = st.QueueDepth, st.RunningTasks, st.Workers
		p.Master.Online, p.Master.On = st.WorkersOnline, st.WorkersEnabled
		p.Master.Dispatched, p.Master.Succeeded, p.Master.Failed = st.Dispatched, st.Succeeded, st.Failed
		p.Master.Other = st.Canceled + st.Ended
	}
	c.render(w, q, status, "workers", pageData{Title: "Scale Out Manager", Nav: "workers", Data: p})
}

func workerID(q *request) (uuid.UUID, bool) {
	id, err := uuid.Parse(q.PathValue("id"))
	return id, err == nil
}

func (c *Console) enableWorker(w http.ResponseWriter, q *request)  { c.setEnabled(w, q, true) }
func (c *Console) disableWorker(w http.ResponseWriter, q *request) { c.setEnabled(w, q, false) }

// setEnabled is catalog.enable_worker_agent / disable_worker_agent.
func (c *Console) setEnabled(w http.ResponseWriter, q *request, on bool) {
	id, ok := workerID(q)
	if !ok {
		c.fail(w, q.Request, q, http.StatusNotFound, "That is not a worker agent id.")
		return
	}
	var err error
	if on {
		err = c.cat.EnableWorkerAgent(q.ctx(), q.caller, &id)
	} else {
		err = c.cat.DisableWorkerAgent(q.ctx(), q.caller, &id)
	}
	if err != nil {
		c.renderWorkers(w, q, http.StatusOK, c.sqlText(err))
		return
	}
	c.log.Info("console: worker agent changed", "login", q.caller.Login, "worker", id, "enabled", on)
	http.Redirect(w, q.Request, "/workers", http.StatusSeeOther)
}

type workerEditPage struct {
	Worker workerRow
	Error  string
}

func (c *Console) findWorker(q *request) (workerRow, bool) {
	id, ok := workerID(q)
	if !ok {
		return workerRow{}, false
	}
	for _, wr := range c.workerRows(q, nil) {
		if wr.ID == id.String() {
			return wr, true
		}
	}
	return workerRow{}, false
}

func (c *Console) editWorkerForm(w http.ResponseWriter, q *request) {
	wr, ok := c.findWorker(q)
	if !ok {
		c.fail(w, q.Request, q, http.StatusNotFound, "That worker agent does not exist, or you do not have permission to see it.")
		return
	}
	c.render(w, q, http.StatusOK, "worker_edit", pageData{Title: "Edit worker", Nav: "workers", Data: workerEditPage{Worker: wr}})
}

// editWorker is catalog.set_worker_agent_property for each property that
// changed.
func (c *Console) editWorker(w http.ResponseWriter, q *request) {
	id, ok := workerID(q)
	if !ok {
		c.fail(w, q.Request, q, http.StatusNotFound, "That is not a worker agent id.")
		return
	}
	cur, _ := c.findWorker(q)
	want := workerRow{ID: id.String(), Machine: cur.Machine, Account: cur.Account,
		DisplayName: q.PostFormValue("DisplayName"), Description: q.PostFormValue("Description"), Tags: q.PostFormValue("Tags")}
	for _, prop := range []struct{ name, old, new string }{
		{"DisplayName", cur.DisplayName, want.DisplayName},
		{"Description", cur.Description, want.Description},
		{"Tags", cur.Tags, want.Tags},
	} {
		if prop.old == prop.new && cur.ID != "" {
			continue
		}
		name, value := prop.name, prop.new
		if err := c.cat.SetWorkerAgentProperty(q.ctx(), q.caller, &id, &name, &value); err != nil {
			c.render(w, q, http.StatusOK, "worker_edit", pageData{Title: "Edit worker", Nav: "workers",
				Data: workerEditPage{Worker: want, Error: c.sqlText(err)}})
			return
		}
	}
	c.log.Info("console: worker agent edited", "login", q.caller.Login, "worker", id)
	http.Redirect(w, q.Request, "/workers", http.StatusSeeOther)
}
